/**
 * A start-up failure of the local stack that the person can act on: one line saying what failed and what to
 * do. `npm run dev` and `npm test` print it alone, without a stack trace.
 */
export class StartupError extends Error {
  constructor(what: string, readonly hint: string) {
    super(`${what}: ${hint}`);
  }
}

/** The first meaningful line of a child process' failure (its stderr, else the error's message). */
export function firstLine(e: unknown): string {
  const err = e as { stderr?: unknown; message?: unknown };
  const text = (typeof err?.stderr === "string" && err.stderr.trim()) || String(err?.message ?? e);
  return text.split("\n").map((l) => l.trim()).find((l) => l && !l.startsWith("at ")) ?? "unknown error";
}

/** Runs a start-up step; prints a StartupError as its one line and exits 1, rethrows anything else. */
export async function orExit<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (e) {
    if (!(e instanceof StartupError)) throw e;
    console.error(`\n${e.message}`);
    process.exit(1);
  }
}
