/**
 * Arbitraries of hostile input for the route campaign (test/routes-property.error.test.ts): the values that sit on
 * a boundary of JavaScript, zod or Postgres rather than uniformly random ones, mixed with fast-check's own.
 * Dates in year 0000 or past 9999 (Postgres has no year 0; JS dates end in 275760), integers past int4 and
 * 2^53, NUL (Postgres text refuses it), lone surrogates (not UTF-8), strings at and one past every limit,
 * malformed percent-encodings and raw JSON numbers JSON.stringify cannot write.
 */
import fc from "fast-check";

/** A JSON number written as is in the body text (1e400, -0, 9007199254740993): see jsonText. */
export const rawNumber = (literal: string) => `\u0001num:${literal}\u0001`;

/** JSON text of `value`, with rawNumber markers replaced by their literal. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001num:([^"\\]*)\\u0001"/g, "$1");
}

/** Lengths at and around the limits of the schemas (tags 50, slugs 64, names 100, q 200, passwords 256, titles 500, URLs 2048). */
const LIMITS = [0, 1, 49, 50, 51, 63, 64, 65, 99, 100, 101, 199, 200, 201, 255, 256, 257, 499, 500, 501, 2047, 2048, 2049, 5000];

export const longString = fc
  .tuple(fc.constantFrom(...LIMITS), fc.constantFrom("x", "é", "😀", "\u0000", "%", " ", "a\u0000"))
  .map(([n, ch]) => ch.repeat(n));

const NASTY = [
  "", " ", "\u0000", "a\u0000b", "\ud800", "\udfff", "x\ud800y", "\udc00\ud800", "\ufeff", "\u202e", "\uffff", "\u{10ffff}",
  "%00", "%", "%%", "%_\\", "\\", "'", "\"", "' OR 1=1 --", "$1", "{}", "[]", "null", "undefined", "__proto__", "constructor",
  "../../etc/passwd", "<script>alert(1)</script>", "\r\n", "\t", "\u0085", "\u2028", "a b", "😀", "e\u0301",
  // Control characters (a header or a log line must never carry them raw) and spreadsheet formulas (a CSV we
  // write must defuse them, and an import of our own file give them back unchanged).
  "\u0001", "a\rb", "\u001b[2J", "\u007f", "\r\nX-Injected: 1", "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "=HYPERLINK(\"https://evil.example\")",
];

export const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: longString },
);

/** Integers and near-integers as JSON values: int4 and 2^53 edges, floats, -0, and literals JSON.stringify cannot write. */
export const hostileNumber = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      0, 1, -1, 2, 100, 101, 1000, 1001, 2_147_483_647, 2_147_483_648, -2_147_483_648, -2_147_483_649, 4_294_967_296,
      Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -Number.MAX_SAFE_INTEGER - 1, 1e20, 1e308, -1e308, 5e-324, 0.5, 1.5,
      rawNumber("9007199254740993"), rawNumber("1e400"), rawNumber("-1e400"), rawNumber("-0"), rawNumber("1E2"),
      rawNumber("2147483647.0"), rawNumber("2147483648e0"), rawNumber("123456789012345678901234567890"),
    ),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** Integers as query-string text: the same edges, plus what Number() coerces (hex, exponents, blanks). */
/** A JSON field: mostly a valid value (so that some bodies pass), else a hostile one, null, another type, anything. */
export const field = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 2, arbitrary: hostile },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileNumber) },
  );

export const hostileIntText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "0", "1", "-1", "10", "50", "100", "101", "1000", "1001", "2147483647", "2147483648", "-2147483649", "4294967296",
      "9007199254740991", "9007199254740993", "99999999999999999999", "1e2", "1e308", "1e309", "-0", "0.5", "1.5", "0x10",
      "0b1", "0o7", " 5", "5 ", "+5", "Infinity", "-Infinity", "NaN", "", "١٢", "５", "1,5", "1_000", "\u00005",
    ),
  },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** ISO-like dates and date-times built from fields, each possibly out of range, with an optional offset. */
const fieldDate = fc
  .record({
    y: fc.oneof(fc.constantFrom(0, 1, 1969, 1970, 2026, 2099, 9998, 9999), fc.integer({ min: 0, max: 9999 })),
    m: fc.oneof(fc.constantFrom(1, 2, 12), fc.integer({ min: 0, max: 13 })),
    d: fc.oneof(fc.constantFrom(1, 28, 29, 30, 31), fc.integer({ min: 0, max: 32 })),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 60 }),
    s: fc.integer({ min: 0, max: 61 }),
    frac: fc.constantFrom("", ".0", ".999", ".999999", ".123456789", ".1234567890123", ",5"),
    zone: fc.constantFrom("Z", "z", "", "+00:00", "-00:00", "+23:59", "-23:59", "+24:00", "-24:00", "+05:30", "+0530", "-12", "+14:00", "+99:99", " 05:30"),
    sep: fc.constantFrom("T", "t", " "),
    dateOnly: fc.boolean(),
  })
  .map((f) => {
    const date = `${pad(f.y, 4)}-${pad(f.m, 2)}-${pad(f.d, 2)}`;
    return f.dateOnly ? date : `${date}${f.sep}${pad(f.h, 2)}:${pad(f.mi, 2)}:${pad(f.s, 2)}${f.frac}${f.zone}`;
  });

const DATE_EDGES = [
  "0000-01-01", "0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000000Z", "0000-12-31T23:59:59+01:00", "0001-01-01T00:00:00Z",
  "1969-12-31T23:59:59Z", "1970-01-01", "1970-01-01T00:00:00+23:59", "9999-12-30", "9999-12-31", "9999-12-31T00:00:00Z",
  "9999-12-31T23:00:00Z", "9999-12-31T23:30:00Z", "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999999Z",
  "9999-12-31T23:59:59-23:59", "9999-12-31T12:00:00-12:00", "9999-12-31T23:00:00", "+275760-09-13T00:00:00.000Z",
  "+275760-09-13T00:00:00.001Z", "275760-09-13T00:00:00Z", "-271821-04-20T00:00:00Z", "-000001-01-01T00:00:00Z",
  "+010000-01-01T00:00:00Z", "10000-01-01", "2026-02-30", "2026-02-29T00:00:00Z", "2096-02-29T00:00:00Z",
  "2100-02-29T00:00:00Z", "2099-12-31T24:00:00Z", "2099-06-30T23:59:60Z", "2099-01-01T00:00Z", "2099-01-01T00:00:00",
  "2099-01-01", "2099-01-01T00:00:00.5Z", "P1D", "now", "1e12", "1700000000000", "", "2026-W01", "2026-001",
];

/** A date-time at either end of the years 0001..9999 that an offset pushes past it (into year 0 or 10000). */
const edgeOfTime = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([late, h, mi, oh, om]) =>
    late
      ? `9999-12-31T${pad(h, 2)}:${pad(mi, 2)}:00-${pad(oh, 2)}:${pad(om, 2)}`
      : `0001-01-01T${pad(h, 2)}:${pad(mi, 2)}:00+${pad(oh, 2)}:${pad(om, 2)}`,
  );

/** A time: edge cases of every parser involved, dates from fields, and any instant JS can represent. */
export const hostileDate = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DATE_EDGES) },
  { weight: 2, arbitrary: edgeOfTime },
  { weight: 3, arbitrary: fieldDate },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  // In the future, so that writes of it can succeed.
  { weight: 2, arbitrary: fc.date({ min: new Date(Date.now() + 86_400_000), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()) },
  { weight: 1, arbitrary: hostileText },
);

export const hostileTimeZone = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "UTC", "utc", "Europe/Berlin", "europe/berlin", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Pago_Pago",
      "Etc/GMT+12", "Etc/GMT-14", "America/St_Johns", "Australia/Lord_Howe", "Antarctica/Troll", "EST5EDT", "US/Pacific",
      "+05:30", "-14:00", "+14:00", "+23:59", "-23:59", "+24:00", "+99:99", "Z", "GMT", "Etc/Unknown", "Mars/Olympus_Mons",
      "Europe/../Berlin", "x".repeat(64), "x".repeat(65),
    ),
  },
  { weight: 1, arbitrary: hostileText },
);

/** Bytes a query string or path may carry that are not valid UTF-8 or not valid percent-encoding. */
export const rawPercent = fc.constantFrom("%", "%zz", "%0", "%00", "%ED%A0%80", "%ED%BF%BF", "%C0%80", "%C0%AF", "%FF", "%FE%FF", "%E2%82", "%F4%90%80%80", "%2F", "%2e%2e", "%23", "%26", "%3D", "+", "%2B", "%20");

/** Percent-encodes every byte of `s`'s UTF-8 that is not unreserved (lone surrogates become U+FFFD, as a URL would). */
export function percentEncode(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A query or path value as it goes on the wire: encoded, raw (the URL parser decides), or with broken percent-encoding. */
export const onTheWire = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 5, arbitrary: value.map(percentEncode) },
    { weight: 1, arbitrary: value.map((v) => v.replace(/[#&?/]/g, (c) => percentEncode(c))) },
    { weight: 1, arbitrary: fc.tuple(value.map(percentEncode), rawPercent).map(([a, b]) => a + b) },
  );

/**
 * A query string over `params` (name -> wire-ready value arbitrary): each present or not, plus now and then a
 * repeated parameter, an array-style name (`limit[]`), a name without a value, an unknown one, or stray `&`s.
 */
export function queryString(params: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(params);
  const known = names.map((name) => fc.option(params[name].map((v) => `${name}=${v}`), { freq: 2 }));
  const extra = fc.oneof(
    ...(names.length
      ? [
          fc.constantFrom(...names).chain((n) => params[n].map((v) => `${n}=${v}`)),
          fc.constantFrom(...names).chain((n) => params[n].map((v) => `${n}[]=${v}`)),
          fc.constantFrom(...names),
          fc.constantFrom(...names).map((n) => `${n}=`),
          fc.constantFrom(...names).map((n) => `${n.toUpperCase()}=1`),
        ]
      : []),
    onTheWire(hostileText).map((v) => `unknown=${v}`),
    fc.constantFrom("&", "=", "==", "=x", "&&&", "%00=1", "a=1=2", "__proto__=1", "constructor[prototype]=1"),
  );
  const extras = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(extra, { minLength: 1, maxLength: 3 }) });
  return fc
    .tuple(fc.tuple(...known), extras)
    .map(([k, e]) => [...k.filter((p): p is string => p !== null), ...e].join("&"));
}

/** Nested arrays or objects `depth` deep, as JSON text (what recursion in a parser or a validator would trip on). */
export const deepJson = fc
  .tuple(fc.constantFrom(10, 1000, 100_000), fc.boolean())
  .map(([depth, objects]) => (objects ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : `${"[".repeat(depth)}${"]".repeat(depth)}`));

/** Body text that is not the JSON a route expects: broken, empty, BOM-prefixed, duplicated keys, prototype keys, deep. */
export const junkBody = fc.oneof(
  fc.constantFrom(
    "", " ", "{", "}", "[", "null", "true", "0", "\"x\"", "{}", "[]", "\ufeff{}", "{\"a\":1,}", "{'a':1}", "{\"a\":NaN}",
    "{\"a\":Infinity}", "{\"a\":undefined}", "{\"__proto__\":{\"admin\":true}}", "{\"constructor\":{\"prototype\":{}}}",
    "\u0000", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}", "{\"a\"\u0000:1}", "\"\\ud800\"",
  ),
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 4 }).map(jsonText),
  deepJson,
);

/** Mostly a plausible value (so requests get past validation to the code behind it), else a hostile one. */
export const mostly = <T>(plausible: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 2, arbitrary: plausible }, { weight: 1, arbitrary: hostile });

const HOUR = 3_600_000;
const YEAR_10000 = Date.UTC(10000, 0, 1);

/** Instant `t` written as a date, a UTC date-time, a date-time with an offset (the same instant), or a wall time. */
function writeInstant(t: number, style: "date" | "utc" | "offset" | "wall", offsetMinutes: number): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (style === "date") return iso(t).slice(0, 10);
  if (style === "utc") return iso(t);
  if (style === "wall") return iso(t).slice(0, 19);
  const abs = Math.abs(offsetMinutes);
  const zone = `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
  return `${iso(t + offsetMinutes * 60_000).slice(0, 19)}${zone}`;
}

/**
 * A stats range [from, to) near an edge: the end of year 9999 (where an offset or the ceiling to the hour
 * reaches year 10000), 1970, DST nights, spans at the 2-day, 366-day and 5-year limits.
 */
export const hostileRange = fc
  .record({
    anchor: fc.oneof(
      fc.constantFrom(
        Date.UTC(9999, 11, 31, 23), Date.UTC(9999, 11, 31), Date.UTC(9999, 11, 30), Date.UTC(9999, 11, 31, 23, 30), YEAR_10000 - 2 * HOUR,
        Date.UTC(1970, 0, 1), Date.UTC(1970, 0, 1, 12), Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1), Date.UTC(2024, 1, 29),
      ),
      fc.integer({ min: 0, max: YEAR_10000 - HOUR }),
    ),
    span: fc.oneof(
      fc.constantFrom(1, 30 * 60_000, HOUR, 23 * HOUR, 24 * HOUR, 48 * HOUR, 49 * HOUR, 366 * 24 * HOUR, 367 * 24 * HOUR, 5 * 365 * 24 * HOUR, 1827 * 24 * HOUR, -HOUR),
      fc.integer({ min: 1, max: 6 * 365 * 24 * HOUR }),
    ),
    fromStyle: fc.constantFrom("date", "utc", "offset", "wall"),
    toStyle: fc.constantFrom("date", "utc", "offset", "wall"),
    offset: fc.constantFrom(0, -1439, 1439, -60, 330, 840, -720),
  })
  .map(({ anchor, span, fromStyle, toStyle, offset }) => ({
    from: writeInstant(anchor, fromStyle, offset),
    to: writeInstant(Math.min(anchor + span, 8.64e15), toStyle, offset),
  }));
