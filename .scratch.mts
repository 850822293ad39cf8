import { decode, encode } from "fast-png";
import jsQR from "jsqr";
import { renderQr } from "./functions/qr/render.ts";
const url = "http://sho.rt/abc1234";
function rgbaOf(png: Uint8Array) {
  const img = decode(png);
  const { width, height } = img;
  const out = new Uint8ClampedArray(width * height * 4);
  if (img.palette) {
    // 1-bit palette
    const rowBytes = Math.ceil(width / 8);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const idx = (img.data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
      const e = img.palette[idx]; out.set([e[0], e[1], e[2], e[3] ?? 255], (y * width + x) * 4);
    }
  } else for (let i = 0; i < width * height; i++) { const c = img.channels; out.set([img.data[i*c], img.data[i*c+1], img.data[i*c+2], c === 4 ? img.data[i*c+3] : 255], i * 4); }
  return { out, width, height };
}
const logoPng = (() => { const w = 40, h = 30, d = new Uint8Array(w*h*4); for (let i=0;i<w*h;i++) d.set([200, 30, (i*7)%255, i%w < 5 ? 0 : 255], i*4); return encode({ width: w, height: h, data: d, channels: 4, depth: 8 }); })();
const logoUrl = "data:image/png;base64," + Buffer.from(logoPng).toString("base64");
for (const o of [
  { format: "png", size: 512, margin: 4, fg: "#000000", bg: "#ffffff", ecc: "M", logo: false },
  { format: "png", size: 64, margin: 1, fg: "#000000", bg: "#ffffff", ecc: "L", logo: false },
  { format: "png", size: 2048, margin: 4, fg: "#1a237e", bg: "#fff8e1", ecc: "H", logo: false },
  { format: "png", size: 512, margin: 4, fg: "#000000", bg: "#ffffff00", ecc: "M", logo: true },
  { format: "png", size: 2048, margin: 4, fg: "#000000", bg: "#ffffff", ecc: "M", logo: true },
] as const) {
  const t0 = performance.now();
  const r = renderQr(url, o as any, logoUrl);
  const t1 = performance.now();
  if (Array.isArray(r)) { console.log("problems", r); continue; }
  const { out, width, height } = rgbaOf(r.body as Uint8Array);
  const q = jsQR(out, width, height);
  console.log(o.size, o.logo, (t1 - t0).toFixed(1), "ms", (r.body as Uint8Array).length, "bytes", q?.data);
}
console.log(renderQr(url, { format: "png", size: 64, margin: 4, fg: "#777777", bg: "#ffffff", ecc: "M", logo: true }, null));
console.log(renderQr(url, { format: "svg", size: 256, margin: 4, fg: "#000000", bg: "#ffffff80", ecc: "M", logo: true }, logoUrl));
