/**
 * A CSV file read as it arrives: csv-parse's browser build (it carries its own Buffer and stream code, so it
 * runs in workerd without Node compatibility), fed the body's text chunk by chunk. Only the rows of one
 * network chunk are in memory at a time, never the file.
 */
import { Parser } from "csv-parse/browser/esm";

export type CsvRecord = { line: number; cells: string[] } | { line: number; error: string };

/** Records of `text` in order, each with the 1-based line it starts on. The header is the first record. */
export async function* csvRecords(text: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const parser = new Parser({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
  });
  const queue: CsvRecord[] = [];
  let failure: unknown;
  parser.on("data", (r: { record: string[]; info: { lines: number }; raw: string }) => {
    // info.lines is the line the record ends on; a quoted field may span lines, blank lines may lead it.
    const body = r.raw.replace(/^[\r\n]+/, "").replace(/\r?\n$/, "");
    queue.push({ line: r.info.lines - (body.match(/\n/g)?.length ?? 0), cells: r.record });
  });
  parser.on("skip", (e: { lines?: number; message: string }) => {
    queue.push({ line: e.lines ?? 0, error: e.message.replace(/ at line \d+.*$/, "") });
  });
  parser.on("error", (e: unknown) => (failure = e));
  // The parser emits synchronously inside write() and end(): drain after each.
  let wrote = false;
  for await (const chunk of text) {
    wrote = true;
    parser.write(chunk);
    if (failure) throw failure;
    yield* queue.splice(0);
  }
  // Ending a parser that was given nothing makes its browser build call a destroy() its stream code lacks.
  if (!wrote) return;
  parser.end();
  if (failure) throw failure;
  yield* queue.splice(0);
}

/** The text of a byte stream, decoded as UTF-8 as it arrives (invalid bytes become U+FFFD). */
export async function* decodeText(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const s = decoder.decode(value, { stream: true });
    if (s) yield s;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}
