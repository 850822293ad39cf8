/**
 * The pool behind dev/neon-proxy.ts: a Postgres server connection the proxy started, and how one whose client
 * left is reset (DISCARD ALL) and kept for the next client with the same startup message, or closed. Apart
 * from the proxy's WebSocket handshake and client sessions, which hand servers to it and take them back; why
 * the proxy pools at all is said in neon-proxy.ts's header.
 */
import type net from "node:net";
import { queryMessage, readyStatus, type Message, type MessageReader } from "./pg-wire.ts";

/** Idle servers kept per startup message; more are closed when their client leaves. */
const MAX_IDLE = 16;
/** An idle server unused this long is closed, so a stack left running holds no backends it does not use. */
const IDLE_MS = 5 * 60_000;

/** A server connection this proxy started, with what it answered to the startup message. */
export interface Server {
  tcp: net.Socket;
  reader: MessageReader;
  /** AuthenticationOk through the first ReadyForQuery: replayed to every client that gets this server. */
  hello: Buffer;
  /** Who reads the server's messages, and who hears of its end, now. */
  onMessages: (messages: Message[], chunk: Buffer) => void;
  onEnd: () => void;
  /** Set while idle: closes it after IDLE_MS. */
  idleTimer?: NodeJS.Timeout;
  /** While its DISCARD ALL runs: the client that took it meanwhile, told whether it came back clean. */
  resetting?: { claimant?: (ok: boolean) => void };
}

/**
 * Resets a server's session and keeps it for the next client with the same startup. It is listed at once, so
 * a client that comes during the reset takes it when the reset is done.
 */
export function park(s: Server, key: string, idle: Map<string, Server[]>) {
  const list = idle.get(key) ?? [];
  idle.set(key, list);
  const drop = () => {
    clearTimeout(s.idleTimer);
    s.onEnd = () => {};
    s.tcp.destroy();
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
    const claimant = s.resetting?.claimant;
    s.resetting = undefined;
    claimant?.(false);
  };
  if (list.length >= MAX_IDLE) return drop();
  list.push(s);
  s.resetting = {};
  s.onEnd = drop;
  s.onMessages = (messages) => {
    for (const m of messages) {
      if (m.type === "E") return drop();
      if (m.type !== "Z") continue;
      if (readyStatus(m) !== "I") return drop();
      const claimant = s.resetting?.claimant;
      s.resetting = undefined;
      if (claimant) return claimant(true);
      s.idleTimer = setTimeout(drop, IDLE_MS).unref();
      // Anything an idle server says (an administrator's shutdown notice, say) ends it.
      s.onMessages = drop;
      return;
    }
  };
  s.tcp.write(queryMessage("DISCARD ALL"));
}
