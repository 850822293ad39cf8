/**
 * Unit test of the CSV reader: each record's starting line as an editor shows it, and a record larger than the
 * bound refused (413, naming its line) without reading on.
 */
import { describe, expect, it } from "vitest";
import { ApiError } from "../shared/errors.ts";
import { csvRecords, type CsvRecord } from "./read-csv.ts";
import { MAX_CSV_RECORD_BYTES, maxRecordBytes } from "./row-bound.ts";

async function* chunks(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function read(text: string, bytes = MAX_CSV_RECORD_BYTES, size = 7): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of csvRecords(chunks(text, size), { bytes })) out.push(r);
  return out;
}

const lines = (records: CsvRecord[]) => records.map((r) => r.line);

describe("csvRecords: the line each record starts on", () => {
  it("counts LF, CR LF and blank lines", async () => {
    expect(lines(await read("h\na\nb\n"))).toEqual([1, 2, 3]);
    expect(lines(await read("h\r\na\r\n\r\n\r\nb\r\n"))).toEqual([1, 2, 5]);
    expect(lines(await read("\n\nh\nx\n\n\ny"))).toEqual([3, 4, 7]);
  });

  it("counts the lines inside quoted cells, CR LF as one", async () => {
    expect(await read('h\n"a\nb"\nc\n')).toEqual([
      { line: 1, cells: ["h"] }, { line: 2, cells: ["a\nb"] }, { line: 4, cells: ["c"] },
    ]);
    expect(lines(await read('h\r\n"a\r\nb",x\r\nc\r\n'))).toEqual([1, 2, 4]);
    expect(lines(await read('h,t\n1,"one\r\ntwo\r\nthree"\n\n2,"x"\n3,y'))).toEqual([1, 2, 6, 7]);
  });

  it("reads a long chunk in slices without splitting a character", async () => {
    for (const lead of ["", "x"]) {
      const cell = lead + "\u{1F600}".repeat(40_000);
      expect(await read(`h\n${cell},end\n`, MAX_CSV_RECORD_BYTES, 1 << 20)).toEqual([
        { line: 1, cells: ["h"] }, { line: 2, cells: [cell, "end"] },
      ]);
    }
  });

  it("names the line an unclosed quote starts on", async () => {
    expect(await read('h\nok\n"never\nclosed\n')).toEqual([
      { line: 1, cells: ["h"] }, { line: 2, cells: ["ok"] }, { line: 3, error: expect.stringMatching(/Quote Not Closed/) },
    ]);
  });
});

describe("csvRecords: a record past the bound", () => {
  it("is refused with 413 naming its line, and nothing after it is read", async () => {
    const seen: CsvRecord[] = [];
    const text = `h\nshort\n\n"${"x".repeat(5_000)}"\nafter\n`;
    const error = await (async () => {
      for await (const r of csvRecords(chunks(text, 512), { bytes: 1_000 })) seen.push(r);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
    expect((error as ApiError).detail).toMatch(/line 4\b/);
    expect((error as ApiError).toProblem()).toMatchObject({ status: 413, line: 4 });
    expect(seen.map((r) => r.line)).toEqual([1, 2]);
  });

  it("is measured across cells; a record at the bound is read", async () => {
    const row = `${"a".repeat(400)},${"b".repeat(600)}`;
    expect(lines(await read(`h\n${row}\n`, 1_000, 64))).toEqual([1, 2]);
    // csv-parse looks before it adds a byte: one byte over passes unseen, two do not.
    await expect(read(`h\n${row}bb\n`, 1_000, 64)).rejects.toThrow(/line 2\b/);
  });

  it("can be lowered once the header is read", async () => {
    const bound = { bytes: 10_000 };
    const seen: number[] = [];
    const read = (async () => {
      for await (const r of csvRecords(chunks(`h\n${"y".repeat(2_000)}\n`, 100), bound)) {
        seen.push(r.line);
        bound.bytes = 1_000;
      }
    })();
    await expect(read).rejects.toThrow(/line 2\b/);
    expect(seen).toEqual([1]);
  });

  it("is far above any valid row and far below what once took the Worker past 1.5 GB", () => {
    expect(maxRecordBytes("bitly")).toBeGreaterThan(12_000);
    expect(maxRecordBytes("bitly")).toBeLessThan(100_000);
    expect(maxRecordBytes("csv")).toBe(MAX_CSV_RECORD_BYTES);
    expect(MAX_CSV_RECORD_BYTES).toBeLessThan(5 * 1024 * 1024);
  });
});
