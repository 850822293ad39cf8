/**
 * Just enough of the PostgreSQL wire protocol (v3) for the local Neon proxy to pool server connections:
 * splitting a byte stream into messages, and the few messages it reads or writes itself.
 */

/** Protocol codes of the untyped first messages a client may send. */
export const SSL_REQUEST = 80877103;
export const GSS_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

/** One message: its type byte (a character) and its whole bytes, type and length included. */
export interface Message {
  type: string;
  bytes: Buffer;
}

/**
 * Splits a stream into typed messages (1 type byte, then an int32 length that counts itself and the body).
 * Chunks may end anywhere; what is left waits for the next chunk.
 */
export class MessageReader {
  private rest: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Message[] {
    let buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: Message[] = [];
    while (buf.length >= 5) {
      const size = 1 + buf.readInt32BE(1);
      if (buf.length < size) break;
      out.push({ type: String.fromCharCode(buf[0]), bytes: buf.subarray(0, size) });
      buf = buf.subarray(size);
    }
    this.rest = Buffer.from(buf);
    return out;
  }

  /** Whether a message has begun and not ended. */
  get partial(): boolean {
    return this.rest.length > 0;
  }
}

/** The untyped first message (startup, SSL or cancel request) at the head of `buf`, once it is whole. */
export function untypedMessage(buf: Buffer): { code: number; bytes: Buffer } | null {
  if (buf.length < 8) return null;
  const size = buf.readInt32BE(0);
  if (buf.length < size) return null;
  return { code: buf.readInt32BE(4), bytes: buf.subarray(0, size) };
}

/** A simple Query message. */
export function queryMessage(text: string): Buffer {
  const body = Buffer.from(`${text}\0`, "utf8");
  const head = Buffer.alloc(5);
  head.write("Q", 0, "latin1");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** The status byte of a ReadyForQuery ("I" idle, "T" in a transaction, "E" in a failed one). */
export const readyStatus = (m: Message) => String.fromCharCode(m.bytes[5]);

/** The code of an Authentication message (0: AuthenticationOk; anything else asks for a credential). */
export const authCode = (m: Message) => m.bytes.readInt32BE(5);
