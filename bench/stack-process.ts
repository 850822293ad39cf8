/**
 * The benchmark's throwaway stack (dev/stack.ts startStack()) in a process of its own: the Upstash bridge
 * and the Neon proxy stand for remote services, so their CPU must not be billed to (nor serialized with)
 * the process under test. Prints one JSON line with the stack's URLs, stops when its stdin closes.
 */
import { onShutdown, startStack } from "../dev/stack.ts";

const stack = await startStack({ log: (l) => console.error(`[stack] ${l}`) });
const stop = async () => { await stack.stop(); process.exit(0); };
onShutdown(stack.stop);
process.stdout.write(JSON.stringify({ bindings: stack.bindings, redisUrl: stack.redisUrl, databaseUrl: stack.databaseUrl }) + "\n");
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
