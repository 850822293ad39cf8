/**
 * An uploaded file as rows: CSV streamed (read-csv.ts), JSON parsed whole within its own byte limit. The
 * format is sniffed from the header row (or the first JSON object's keys) unless the request names it.
 */
import { undoDefuse } from "../shared/csv-cell.ts";
import { ApiError } from "../shared/errors.ts";
import { csvRecords, decodeText } from "./read-csv.ts";
import { MAX_CSV_RECORD_BYTES, maxRecordBytes } from "./row-bound.ts";
import { headerFields, rowValues, sniff, type DetectedFormat, type ImportFormat } from "./formats.ts";
import type { SourceRow } from "./apply.ts";

/** A whole CSV file may be this large: 100,000 links of long URLs and titles fit. */
export const MAX_IMPORT_CSV_BYTES = 64 * 1024 * 1024;
/** JSON is parsed whole, so it is held in memory: about 20,000 exported links; larger files go as CSV. */
export const MAX_IMPORT_JSON_BYTES = 8 * 1024 * 1024;

export interface OpenedFile {
  format: DetectedFormat;
  rows: AsyncIterable<SourceRow>;
}

const refuse = (detail: string, path = "body") => new ApiError(400, detail, { errors: [{ path, message: detail }] });

/** Counts bytes as they pass and fails the stream past `max` (413): a body without Content-Length is bounded too. */
function bounded(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        seen += chunk.byteLength;
        if (seen > max) ctl.error(new ApiError(413, `The request body is larger than ${max} bytes.`));
        else ctl.enqueue(chunk);
      },
    }),
  );
}

function checkFormat(wanted: ImportFormat, sniffed: DetectedFormat | null, headers: string[]): DetectedFormat {
  const format = wanted === "auto" ? sniffed : wanted;
  if (!format) {
    throw refuse(`The header row names no destination column (one of Long URL, long_url, Destination URL, url, target); it has: ${headers.slice(0, 20).join(", ") || "nothing"}.`);
  }
  const fields = headerFields(headers, format);
  if (!fields.includes("url")) {
    throw refuse(`The file has no destination column for format ${format} (Long URL, long_url, Destination URL, url or target).`);
  }
  return format;
}

export async function openCsv(body: ReadableStream<Uint8Array>, wanted: ImportFormat): Promise<OpenedFile> {
  if (wanted === "json") throw refuse("format=json needs a JSON body (content-type application/json).", "format");
  // Until the header names the format, a record may be as large as any format's row can be.
  const bound = { bytes: MAX_CSV_RECORD_BYTES };
  const records = csvRecords(decodeText(bounded(body, MAX_IMPORT_CSV_BYTES)), bound);
  let first = await records.next();
  while (!first.done && "error" in first.value) first = await records.next();
  if (first.done) throw refuse("The file is empty: it needs a header row and a row per link.");
  const headers = (first.value as { cells: string[] }).cells;
  const format = checkFormat(wanted, sniff(headers, false), headers);
  bound.bytes = maxRecordBytes(format);
  const fields = headerFields(headers, format);
  async function* rows(): AsyncGenerator<SourceRow> {
    for await (const r of records) {
      if ("error" in r) yield { line: r.line, error: `not a CSV row: ${r.error}` };
      // Our own export defused formula-like cells (functions/shared/csv-cell.ts): undone, so a round trip is exact.
      else yield { line: r.line, values: rowValues(fields, format === "csv" ? r.cells.map(undoDefuse) : r.cells) };
    }
  }
  return { format, rows: rows() };
}

/** The 1-based line of each object `depth` levels down (the items of the file's array), by a scan of the text. */
function objectLines(text: string, depth: number): number[] {
  const lines: number[] = [];
  let line = 1, level = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) line++;
    if (inString) {
      if (ch === 92) i++; // a backslash escapes the next character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      if (ch === 123 && level === depth) lines.push(line);
      level++;
    } else if (ch === 125 || ch === 93) level--;
  }
  return lines;
}

export async function openJson(body: ReadableStream<Uint8Array>, wanted: ImportFormat): Promise<OpenedFile> {
  const text = await new Response(bounded(body, MAX_IMPORT_JSON_BYTES)).text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refuse("The body is not JSON.");
  }
  // Ours is an array of Links; Kutt's list is {"data": [...]}; a bulk body is {"links": [...]}.
  const holder = value as { data?: unknown; links?: unknown };
  const items = Array.isArray(value) ? value : Array.isArray(holder?.data) ? holder.data : Array.isArray(holder?.links) ? holder.links : null;
  if (!items) throw refuse('The JSON must be an array of links, or an object with a "data" or "links" array.');
  const lines = objectLines(text, Array.isArray(value) ? 1 : 2);
  const lineOf = (i: number) => (lines.length === items.length ? lines[i] : i + 1);
  const first = items.find((x) => typeof x === "object" && x !== null && !Array.isArray(x)) as Record<string, unknown> | undefined;
  const keys = first ? Object.keys(first) : [];
  const format = checkFormat(wanted === "csv" ? "json" : wanted, first ? sniff(keys, true) : "json", first ? keys : ["url"]);
  async function* rows(): AsyncGenerator<SourceRow> {
    for (const [i, item] of items!.entries()) {
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        yield { line: lineOf(i), error: "is not an object" };
        continue;
      }
      const names = Object.keys(item);
      yield { line: lineOf(i), values: rowValues(headerFields(names, format), Object.values(item)) };
    }
  }
  return { format, rows: rows() };
}
