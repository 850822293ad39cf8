/**
 * `npx tsx bench/cpu.ts [chunk|free|redis|pbkdf2]`: CPU time, in workerd, of what Workers Free must fit in its
 * 10 ms an invocation (docs/ingest.md "Workers Free"; docs/security.md for passwords). workerd runs here as it
 * runs deployed, but locally its clock advances during synchronous work, so bench/cpu.worker.ts can time it.
 *   chunk   an ingest chunk's JavaScript at several sizes, typical and largest clicks, in a fresh isolate
 *           (cold: nothing compiled yet) and warm: the figures of functions/ingest/cpu.ts's model
 *   free    chunks of the size the free plan's budget gives (clicksPerChunk), warm and cold, against the budget
 *   redis   the Redis client's own work for one request
 *   pbkdf2  one password hash at several iteration counts: the figure PASSWORD_ITERATIONS is chosen from
 *   qr      one QR code (functions/qr/render.ts) by format, size and logo: the figures docs/qr.md gives
 * Settings: CHUNKS=1,10,25,50,100 COLD=3 ITERATIONS=1000,5000,... (the machine: BENCHMARKS.md).
 */
import { build } from "esbuild";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Miniflare } from "miniflare";
import { clicksPerChunk, MEASURED_CPU } from "../functions/ingest/cpu.ts";
import { CAPTURE_MAX_CHARS } from "../functions/ingest/limits.ts";
import { PLAN_DEFAULTS } from "../functions/shared/plan.ts";
import type { ClickEvent } from "../functions/shared/click-event.ts";
import { encode as encodePng } from "fast-png";
import { makeClicks } from "./clicks.ts";

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-cpu-"));
process.once("exit", () => fs.rmSync(outdir, { recursive: true, force: true }));
await build({
  entryPoints: [path.join(import.meta.dirname, "cpu.worker.ts")], bundle: true, format: "esm", minify: true,
  platform: "neutral", conditions: ["workerd", "worker", "browser"], mainFields: ["browser", "module", "main"],
  outfile: path.join(outdir, "index.js"), logLevel: "error",
});

async function worker() {
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: path.join(outdir, "index.js") }], modulesRoot: outdir,
    compatibilityDate: "2026-04-20", host: "127.0.0.1", port: 0,
  });
  await mf.ready;
  const call = async (p: string, body = "") => Number(await (await mf.dispatchFetch(`http://w${p}`, { method: "POST", body })).text());
  return { call, dispose: () => mf.dispose() };
}

let serial = 0;
function largest(): ClickEvent {
  const i = serial++;
  const fill = (prefix: string, n: number) => (prefix + `${i}-`.repeat(n)).slice(0, n);
  return {
    id: crypto.randomUUID(), linkId: `lnk_big_${i % 20}`, slug: "big", ts: Date.now() - (i % 3600) * 1000,
    kind: "human", reason: null, visitor: crypto.randomUUID().replaceAll("-", "").repeat(2),
    ua: fill(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/${i}.0 `, CAPTURE_MAX_CHARS.ua),
    referrer: fill(`https://r${i}.example/`, CAPTURE_MAX_CHARS.referrer), country: "US", region: "CA", city: "San Francisco",
    query: fill("utm_source=news&q=", CAPTURE_MAX_CHARS.query), dest: fill("https://example.com/?utm_campaign=c&d=", CAPTURE_MAX_CHARS.dest),
    chosenUrl: "https://example.com/", chosenBy: "url",
  };
}
const reply = (events: ClickEvent[]) =>
  JSON.stringify({ result: [["clicks:stream", events.map((e, i) => [`${Date.now()}-${i}`, ["e", JSON.stringify(e)]])]] });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x: number) => x.toFixed(2);

const mode = process.argv[2] ?? "all";
if (mode === "all" || mode === "chunk") {
  const sizes = (process.env.CHUNKS ?? "1,10,25,50,100").split(",").map(Number);
  const colds = Number(process.env.COLD ?? 3);
  console.log("clicks kind     cold ms (each fresh isolate)   warm ms median (min)   warm µs/click");
  for (const kind of ["typical", "largest"] as const) {
    const make = (n: number) => reply(kind === "typical" ? makeClicks(n) : Array.from({ length: n }, largest));
    for (const n of sizes) {
      const cold: number[] = [];
      for (let i = 0; i < colds; i++) {
        const w = await worker();
        cold.push(await w.call("/chunk", JSON.stringify([make(n)])));
        await w.dispose();
      }
      // Several chunks a request (the clock's resolution is 1 ms), each of new clicks.
      const many = () => JSON.stringify(Array.from({ length: Math.max(5, Math.ceil(1000 / n)) }, () => make(n)));
      const w = await worker();
      for (let i = 0; i < 10; i++) await w.call("/chunk", many()); // warm-up: JIT tiers, memoized user agents
      const warm: number[] = [];
      for (let i = 0; i < 9; i++) warm.push(await w.call("/chunk", many()));
      await w.dispose();
      console.log(`${String(n).padStart(6)} ${kind.padEnd(8)} ${cold.map(f).join(" ").padEnd(30)} ${`${f(median(warm))} (${f(Math.min(...warm))})`.padEnd(22)} ${f((median(warm) * 1000) / n)}`);
    }
  }
}
if (mode === "all" || mode === "free") {
  // Record bytes of the clicks below (limits.ts recordBytes): bench/clicks.ts's about 345, the largest 4,878.
  const budget = PLAN_DEFAULTS.free.INGEST_CPU_BUDGET_MS;
  console.log(`\nchunks as the free plan's budget (${budget} ms) sizes them; warm: median (max) of 9 requests, cold: each a fresh isolate`);
  for (const [kind, bytes] of [["typical", 345], ["largest", 4878]] as const) {
    const n = clicksPerChunk(MEASURED_CPU, budget, bytes);
    const make = () => reply(kind === "typical" ? makeClicks(n) : Array.from({ length: n }, largest));
    const cold: number[] = [];
    for (let i = 0; i < Number(process.env.COLD ?? 3); i++) {
      const w = await worker();
      cold.push(await w.call("/chunk", JSON.stringify([make()])));
      await w.dispose();
    }
    const w = await worker();
    const many = () => JSON.stringify(Array.from({ length: 20 }, make));
    for (let i = 0; i < 10; i++) await w.call("/chunk", many());
    const warm: number[] = [];
    for (let i = 0; i < 9; i++) warm.push(await w.call("/chunk", many()));
    await w.dispose();
    console.log(`${kind.padEnd(8)} ${String(n).padStart(4)} clicks: warm ${f(median(warm))} ms (${f(Math.max(...warm))}), cold ${cold.map(f).join(" ")} ms`);
  }
}
if (mode === "all" || mode === "redis") {
  const w = await worker();
  await w.call("/redis?times=200");
  const xs: number[] = [];
  for (let i = 0; i < 9; i++) xs.push(await w.call("/redis?times=200"));
  console.log(`\nRedis client, one request (fetch answered at once): ${f(median(xs))} ms median (min ${f(Math.min(...xs))}), warm isolate`);
  await w.dispose();
}
if (mode === "all" || mode === "pbkdf2") {
  console.log("\niterations  ms a hash: median (min, max) of 15 requests, warm isolate");
  const w = await worker();
  for (const it of (process.env.ITERATIONS ?? "1000,5000,10000,20000,50000,100000").split(",").map(Number)) {
    await w.call(`/pbkdf2?iterations=${it}&times=3`);
    const xs: number[] = [];
    for (let i = 0; i < 15; i++) xs.push(await w.call(`/pbkdf2?iterations=${it}&times=${Math.max(1, Math.ceil(200_000 / it))}`));
    console.log(`${String(it).padStart(10)}  ${f(median(xs))} (${f(Math.min(...xs))}, ${f(Math.max(...xs))})`);
  }
  await w.dispose();
}
if (mode === "all" || mode === "qr") {
  // Logos as a domain might set them: a 256 px RGBA image, and the largest a logo may be (1,024 px a side).
  const logo = (side: number) => {
    const data = new Uint8Array(side * side * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
    return `data:image/png;base64,${Buffer.from(encodePng({ width: side, height: side, data, channels: 4, depth: 8 })).toString("base64")}`;
  };
  console.log("\nQR code    size   ms a code: cold (fresh isolate)   warm median (min) of 9 requests");
  for (const [name, format, body] of [["png", "png", ""], ["png+logo", "png", logo(256)], ["png+1024", "png", logo(1024)], ["svg", "svg", ""], ["svg+logo", "svg", logo(256)]]) {
    for (const size of [256, 512, 1024, 2048]) {
      const cold = await worker();
      const first = await cold.call(`/qr?format=${format}&size=${size}`, body);
      await cold.dispose();
      const w = await worker();
      const times = Math.max(1, Math.ceil(50 / size ** 0.5));
      for (let i = 0; i < 3; i++) await w.call(`/qr?format=${format}&size=${size}&times=${times}`, body);
      const xs: number[] = [];
      for (let i = 0; i < 9; i++) xs.push(await w.call(`/qr?format=${format}&size=${size}&times=${times}`, body));
      await w.dispose();
      console.log(`${name.padEnd(10)} ${String(size).padStart(5)}   ${f(first).padStart(8)}                       ${f(median(xs))} (${f(Math.min(...xs))})`);
    }
  }
}
