/**
 * A real HTTP receiver of webhooks on a loopback port (Node side: workerd cannot listen), verifying each
 * request with the `standardwebhooks` package as a customer would, answering what the test scripts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface Received {
  id: string;
  headers: Record<string, string>;
  body: string;
  /** The body parsed, when it verified with one of the secrets; null otherwise. */
  verified: { type: string; timestamp: string; data: any } | null;
  /** The status sent; 0 when the receiver did not answer. */
  answered: number;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Secrets a request may verify with (the endpoint's, set once it is created). */
  secrets: string[];
  /** The status for the n-th request (0-based); 200 by default; null: never answer (the request hangs). */
  answer: (n: number, r: Received) => number | null;
  /** Distinct webhook-ids of verified requests, in order of first arrival. */
  distinct(): Received[];
  close(): Promise<void>;
}

export async function startReceiver(port = 0, path = "/hook"): Promise<Receiver> {
  const r: Receiver = {
    url: "", port: 0, received: [], secrets: [], answer: () => 200,
    distinct: () => {
      const seen = new Set<string>();
      return r.received.filter((x) => x.verified && !seen.has(x.id) && seen.add(x.id));
    },
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified: Received["verified"] = null;
      for (const s of r.secrets) {
        try {
          verified = new Webhook(s).verify(body, headers) as Received["verified"];
          break;
        } catch { /* try the next secret */ }
      }
      const rec: Received = { id: headers["webhook-id"] ?? "", headers, body, verified, answered: 0 };
      const status = r.answer(r.received.length, rec);
      rec.answered = status ?? 0;
      r.received.push(rec);
      if (status === null) return; // left open until the sender gives up (or close() cuts it)
      res.writeHead(status, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}${path}`;
  r.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return r;
}
