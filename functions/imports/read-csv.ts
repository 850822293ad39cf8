/**
 * A CSV file read as it arrives: csv-parse's browser build (it carries its own Buffer and stream code, so it
 * runs in workerd without Node compatibility), fed the body's text chunk by chunk. Only the rows of one
 * network chunk are in memory at a time, never the file, and no record larger than the caller's bound is
 * held: the file is refused once one outgrows it (row-bound.ts says how large a link's row can be).
 */
import { Parser } from "csv-parse/browser/esm";
import { ApiError } from "../shared/errors.ts";

export type CsvRecord = { line: number; cells: string[] } | { line: number; error: string };

/** The largest record to read, in bytes of the file; the caller may lower it between records. */
export interface RecordBound {
  bytes: number;
}

/** The most text parsed at once, and between two turns given to the isolate's other requests: about 10 ms. */
const SLICE_CHARS = 64 * 1024;

/** Line breaks as an editor counts them: CR LF, LF or CR alone. */
const BREAK = /\r\n|\r|\n/g;

function breaksIn(cells: readonly string[]): number {
  let n = 0;
  for (const cell of cells) if (cell.includes("\n") || cell.includes("\r")) n += cell.match(BREAK)!.length;
  return n;
}

const tooLarge = (line: number, bytes: number) => {
  const detail = `The record on line ${line} is larger than ${bytes} bytes, more than any link's row can be; nothing was imported.`;
  return new ApiError(413, detail, { errors: [{ path: "body", message: detail }], extra: { line } });
};

/**
 * Records of `text` in order, each with the 1-based line it starts on. The header is the first record. A
 * record over `bound` ends the reading with 413 naming its line (what came before it is not applied).
 */
export async function* csvRecords(text: AsyncIterable<string>, bound: RecordBound): AsyncGenerator<CsvRecord> {
  const parser = new Parser({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    max_record_size: bound.bytes,
  });
  // Lines are counted here from each record's cells and the blank lines skipped before it: csv-parse's
  // info.lines says where a record ends, not where it starts, and counts a CR LF inside a quoted cell as two.
  let nextLine = 1;
  let blanksSeen = 0;
  const startLine = () => nextLine + parser.info.empty_lines - blanksSeen;
  const queue: CsvRecord[] = [];
  let failure: unknown;
  parser.on("data", (r: { record: string[] }) => {
    const line = startLine();
    blanksSeen = parser.info.empty_lines;
    nextLine = line + 1 + breaksIn(r.record);
    queue.push({ line, cells: r.record });
  });
  parser.on("skip", (e: { code?: string; message: string }) => {
    // Past its max_record_size csv-parse drops the rest of each chunk it is given: no reading goes on after.
    if (e.code === "CSV_MAX_RECORD_SIZE") failure ??= tooLarge(startLine(), bound.bytes);
    else queue.push({ line: startLine(), error: e.message.replace(/ at line \d+.*$/, "") });
  });
  parser.on("error", (e: unknown) => (failure ??= e));
  // The parser emits synchronously inside write() and end(): drain after each.
  let wrote = false;
  let sinceTurn = 0;
  for await (const chunk of text) {
    for (let at = 0; at < chunk.length; ) {
      let end = Math.min(chunk.length, at + SLICE_CHARS);
      // Never between the halves of a surrogate pair: each write is encoded to UTF-8 on its own.
      if (end < chunk.length && (chunk.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
      parser.options.max_record_size = bound.bytes;
      parser.write(chunk.slice(at, end));
      wrote = true;
      sinceTurn += end - at;
      at = end;
      if (failure) throw failure;
      yield* queue.splice(0);
      // A body already received is read in promise callbacks alone, which keep the isolate from every other
      // request (a redirect waited 10 s behind a 60 MB import): a timer hands it back to them now and then.
      if (sinceTurn >= SLICE_CHARS) {
        sinceTurn = 0;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
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
