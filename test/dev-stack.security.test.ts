/** What the local Upstash bridge and Neon proxy (dev/) refuse: a wrong token, a malformed body, a target off loopback. */
import { describe, expect, it } from "vitest";
import { bridge } from "./helpers/dev-stack.ts";
import { config } from "./helpers/env.ts";

describe("Upstash REST bridge", () => {
  it("refuses a wrong token and a malformed body", async () => {
    expect((await bridge("/", ["PING"], "wrong")).status).toBe(401);
    expect((await bridge("/", { not: "a command" })).status).toBe(400);
    expect((await bridge("/pipeline", [["PING"], "x"])).status).toBe(400);
  });
});

describe("Neon WebSocket proxy", () => {
  it("refuses targets that are not loopback", async () => {
    const res = await fetch(`http://${config.NEON_WS_PROXY}?address=example.invalid:5432`, { headers: { upgrade: "websocket" } });
    const ws = res.webSocket!;
    expect(ws).toBeTruthy();
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
    ws.accept();
    expect(await closed).toBe(1008);
  });
});
