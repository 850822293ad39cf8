import fc from "fast-check";
import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { decodeQrLogo, qrLogoDataUrl, qrLogoProblem } from "./qr-logo.ts";

const svg = (text: string) => qrLogoProblem(qrLogoDataUrl("image/svg+xml", new TextEncoder().encode(text)));
const png = (width: number, height: number) => encode({ width, height, data: new Uint8Array(width * height * 4), channels: 4 });

describe("QR logo rules", () => {
  it("take plain SVG drawings, with their own gradients, uses and embedded rasters", () => {
    for (const ok of [
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
      '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported --><svg><defs><linearGradient id="g"/></defs><circle fill="url(#g)" r="1"/></svg>\n',
      '<svg><style>.a{fill:url( "#g" )}</style><use href="#a"/><use xlink:href=\'#b\'/></svg>',
      '<svg><image href="data:image/png;base64,iVBORw0KGgo="/></svg>',
      '<svg><text>one, two</text><path d="M0 0" opacity=".5"/></svg>',
    ]) expect(svg(ok), ok).toBeNull();
  });

  it("refuse SVG that could run or load anything, or is not an SVG document", () => {
    for (const bad of [
      "<svg><script>alert(1)</script></svg>", "<svg><SCRIPT >x</SCRIPT></svg>", '<svg onload="x"></svg>', "<svg><g/onclick=x></g></svg>",
      "<svg><foreignObject><p/></foreignObject></svg>", '<svg><iframe src="x"/></svg>', '<svg><a href="#x"><text>x</text></a></svg>',
      '<svg><a><animate attributeName="href" values="&#106;avascript:alert(1)"/></a></svg>', '<svg><set attributeName="xlink:href" to="x"/></svg>',
      '<!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>', '<svg><image href="https://example.com/x.png"/></svg>',
      '<svg><use href="other.svg#a"/></svg>', '<svg><image href="data:image/svg+xml;base64,PHN2Zz4="/></svg>', "<svg><style>@import 'x.css';</style></svg>",
      '<svg><rect style="fill:url(https://e.example/x)"/></svg>', '<svg><rect fill="javascript:x"/></svg>', "<html><svg></svg></html>", "<svg>",
      "not xml at all", '<svg><use href=#a /></svg>',
    ]) expect(svg(bad), bad).toMatchObject({ status: 422 });
    expect(qrLogoProblem(qrLogoDataUrl("image/svg+xml", new Uint8Array([0x3c, 0x73, 0x76, 0x67, 0xc3, 0x28])))).toMatchObject({ status: 422, message: "must be UTF-8 text" });
  });

  it("take PNGs up to 1,024 px a side, refuse larger ones from their header", () => {
    expect(qrLogoProblem(qrLogoDataUrl("image/png", png(1024, 1)))).toBeNull();
    expect(qrLogoProblem(qrLogoDataUrl("image/png", png(1, 1025)))).toMatchObject({ status: 422 });
    // A header claiming 100,000² pixels (40 GB decoded) is refused without decoding.
    const huge = png(1, 1).slice();
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    expect(qrLogoProblem(qrLogoDataUrl("image/png", huge))?.message).toContain("100000×100000");
  });

  it("decode what they encode, and judge any text without throwing", () => {
    fc.assert(
      fc.property(fc.constantFrom("image/png", "image/svg+xml"), fc.uint8Array({ maxLength: 300 }), (type, bytes) => {
        expect(decodeQrLogo(qrLogoDataUrl(type, bytes))).toEqual({ type, bytes });
        const problem = qrLogoProblem(qrLogoDataUrl(type, bytes));
        if (problem) expect([413, 422]).toContain(problem.status);
      }),
    );
    fc.assert(fc.property(fc.string(), (s) => {
      const p = qrLogoProblem(s);
      expect(p === null || [400, 413, 422].includes(p.status)).toBe(true);
    }));
  });
});
