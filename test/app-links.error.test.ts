/**
 * Refused app-association files and QR logos: a file past 64 KB (413), of the wrong shape (400), a logo that
 * is not an acceptable image (400 not a data: URL, 413 past 64 KB, 422 not a PNG that decodes, too wide, an
 * SVG with a script...). Each refusal is a problem naming its field and changes nothing: the domain, its
 * audit log and what /.well-known/ serves stay as they were. A property test of such bodies holds it for
 * arbitrary mixes of valid and hostile values, against an oracle of the rules.
 */
import fc from "fast-check";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../db/schema.ts";
import {
  AASA_PATH, aasaFor, aasaValue, ASSET_LINKS_PATH, assetLinksFor, assetLinksValue, badLogos, bodyText, objectOfBytes, pngLogo, qrLogoValue, svgLogo,
  wellKnown,
} from "./helpers/app-files.ts";
import { openDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { expectProblem } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const d = new DomainFixtures();
const { db, pool } = openDb();
let host = "";
beforeAll(async () => {
  host = (await d.add({ appleAppSiteAssociation: aasaFor("com.example.kept"), assetLinks: assetLinksFor("com.example.kept"), qrLogo: pngLogo() })).hostname;
});
afterAll(async () => {
  await d.cleanup();
  await pool.end();
});

/** Everything a refused request must leave as it was. */
async function state() {
  const one = await (await call("GET", `/api/v1/domains/${host}`)).text();
  const [{ n }] = await db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.target, `domain:${host}`)));
  const files = await Promise.all([AASA_PATH, ASSET_LINKS_PATH].map(async (p) => (await wellKnown(host, p)).text()));
  return JSON.stringify({ one, n, files });
}

const send = (body: unknown, raw?: string) =>
  call("PATCH", `/api/v1/domains/${host}`, raw === undefined ? { body } : { raw, headers: { "content-type": "application/json" } });

async function expectRefused(res: Response, status: number, field: string | null) {
  const problem = (await expectProblem(res, status)) as { errors?: { path: string }[] };
  if (field) expect(problem.errors?.map((e) => e.path)).toContain(field);
}

describe("refused files and logos", () => {
  it("refuse a file past 64 KB of JSON text (413) and take one at exactly 64 KB", async () => {
    const before = await state();
    await expectRefused(await send({ appleAppSiteAssociation: objectOfBytes(65_537) }), 413, "appleAppSiteAssociation");
    await expectRefused(await send({ assetLinks: [objectOfBytes(65_536)] }), 413, "assetLinks");
    // Multi-byte text counts in UTF-8 bytes: 22,000 × "é" is 44,000 bytes... and 33,000 are 66,000.
    await expectRefused(await send({ appleAppSiteAssociation: { t: "é".repeat(33_000) } }), 413, "appleAppSiteAssociation");
    expect(await state()).toBe(before);
    const atLimit = objectOfBytes(65_536);
    expect((await send({ appleAppSiteAssociation: atLimit })).status).toBe(200);
    expect(await (await wellKnown(host, AASA_PATH)).text()).toBe(JSON.stringify(atLimit));
    expect((await send({ appleAppSiteAssociation: aasaFor("com.example.kept") })).status).toBe(200);
  });

  it("refuse a file that is not an object (association) or an array of objects (asset links): 400", async () => {
    const before = await state();
    for (const v of [[], [aasaFor("x")], "{}", 1, true]) await expectRefused(await send({ appleAppSiteAssociation: v }), 400, "appleAppSiteAssociation");
    for (const v of [{}, aasaFor("x"), [], [1], ["a"], [null], "[]"]) await expectRefused(await send({ assetLinks: v }), 400, "assetLinks");
    // Nested 100,000 deep (600 KB of JSON text): refused for its size, or as too deep to serialize, never a 500.
    const deep = await send(undefined, `{"appleAppSiteAssociation":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`);
    await expectRefused(deep, deep.status === 422 ? 422 : 413, "appleAppSiteAssociation");
    expect(await state()).toBe(before);
  });

  it("refuse a logo that is not a small PNG or plain SVG, naming qrLogo", async () => {
    const before = await state();
    for (const logo of badLogos()) await expectRefused(await send({ qrLogo: logo.value }), logo.status, "qrLogo");
    for (const v of [1, {}, ["data:image/png;base64,"]]) await expectRefused(await send({ qrLogo: v }), 400, "qrLogo");
    // The same rules on create: nothing is made.
    const refused = await call("POST", "/api/v1/domains", { body: { hostname: `refused-${host}`, qrLogo: badLogos()[8].value } });
    await expectRefused(refused, 422, "qrLogo");
    expect((await call("GET", `/api/v1/domains/refused-${host}`)).status).toBe(404);
    // A body past the route's limit (1 MiB): 413 before it is read.
    await expectRefused(await send({ assetLinks: [objectOfBytes(1_100_000)] }), 413, null);
    expect(await state()).toBe(before);
    expect((await send({ qrLogo: svgLogo() })).status).toBe(200);
    expect((await send({ qrLogo: pngLogo() })).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The oracle: what the rules say of a value, apart from the code that applies them.

type Verdict = 200 | 400 | 413 | 422 | "refused";
const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
const VALID_LOGOS = new Set([pngLogo(), svgLogo()]);
const BAD_LOGOS = new Map(badLogos().map((l) => [l.value, l.status as Verdict]));

function fileVerdict(v: unknown, shape: (v: unknown) => boolean): Verdict {
  if (v === undefined || v === null) return 200;
  if (!shape(v)) return 400;
  let text: string;
  try {
    text = JSON.stringify(v);
  } catch {
    return 422;
  }
  return new TextEncoder().encode(text).length > 65_536 ? 413 : 200;
}

function logoVerdict(v: unknown): Verdict {
  if (v === undefined || v === null || VALID_LOGOS.has(v as string)) return 200;
  if (typeof v !== "string" || !/^data:(image\/png|image\/svg\+xml);base64,[A-Za-z0-9+/]*={0,2}$/.test(v)) return 400;
  return BAD_LOGOS.get(v) ?? "refused";
}

/** The answer a body must get: the first of 400, 413, 422 that any field earns, else 200. */
function verdict(fields: Record<string, unknown>): Verdict {
  const all = [
    fileVerdict(fields.appleAppSiteAssociation, isObject),
    fileVerdict(fields.assetLinks, (v) => Array.isArray(v) && v.length > 0 && v.every(isObject)),
    logoVerdict(fields.qrLogo),
  ];
  for (const s of [400, 413, 422, "refused"] as const) if (all.includes(s)) return s;
  return 200;
}

describe("arbitrary files and logos", () => {
  it("are stored and served exactly as sent, or refused with a problem naming a field and nothing changed", async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({ appleAppSiteAssociation: aasaValue, assetLinks: assetLinksValue, qrLogo: qrLogoValue }, { requiredKeys: [] }),
        async (body) => {
          const text = bodyText(body);
          let received: Record<string, unknown>;
          try {
            received = JSON.parse(text);
          } catch {
            return; // nesting this engine cannot parse: covered above
          }
          const before = await state();
          const res = await send(undefined, text);
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          const expected = verdict(received);
          if (expected === "refused") expect([400, 413, 422]).toContain(res.status);
          else expect(res.status, await res.clone().text()).toBe(expected);
          if (res.status !== 200) {
            const problem = (await expectProblem(res, res.status)) as { errors?: { path: string }[] };
            expect(problem.errors?.some((e) => Object.keys(body).includes(e.path))).toBe(true);
            expect(await state()).toBe(before);
            return;
          }
          const one = (await (await call("GET", `/api/v1/domains/${host}`)).json()) as Record<string, unknown>;
          for (const [field, path] of [["appleAppSiteAssociation", AASA_PATH], ["assetLinks", ASSET_LINKS_PATH]] as const) {
            if (!(field in received)) continue;
            expect(one[field]).toEqual(received[field]);
            const served = await wellKnown(host, path);
            if (received[field] === null) expect(served.status).toBe(404);
            else expect(await served.text()).toBe(JSON.stringify(received[field]));
          }
          if ("qrLogo" in received) expect(one.qrLogo).toBe(received.qrLogo);
        },
      ),
      { numRuns: 120 },
    );
    console.log(`app files property: statuses ${JSON.stringify(Object.fromEntries(seen))}`);
    expect([...seen.keys()].some((s) => s === 200)).toBe(true);
    expect([...seen.keys()].some((s) => s >= 400)).toBe(true);
  }, 240_000);
});
