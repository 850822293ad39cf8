import { encode } from "fast-png";
import { renderQr } from "./functions/qr/render.ts";
const url = "https://go.example.com/launch-2026";
const logoPng = (() => { const w = 256, h = 256, d = new Uint8Array(w*h*4); for (let i=0;i<w*h;i++) d.set([200, 30, (i*7)%255, 255], i*4); return encode({ width: w, height: h, data: d, channels: 4, depth: 8 }); })();
const logoUrl = "data:image/png;base64," + Buffer.from(logoPng).toString("base64");
const base = { margin: 4, fg: "#000000", bg: "#ffffff", ecc: "M" };
for (const format of ["png", "svg"]) for (const logo of [false, true]) for (const size of [128, 256, 512, 1024, 2048]) {
  const o = { ...base, format, size, logo } as any;
  for (let i = 0; i < 3; i++) renderQr(url, o, logoUrl);
  const n = 10; const t0 = performance.now();
  for (let i = 0; i < n; i++) renderQr(url, o, logoUrl);
  console.log(format, logo ? "logo" : "    ", size, ((performance.now() - t0) / n).toFixed(2), "ms");
}
