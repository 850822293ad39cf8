import { env } from "cloudflare:workers";

const testEnv = env as unknown as { CONTROL_URL: string };

/**
 * Stops or starts the real redis-server / PostgreSQL of this test run through the stack's control server
 * (dev/stack.ts): tests run inside workerd and cannot manage processes themselves.
 */
export async function control(service: "redis" | "postgres", action: "stop" | "start"): Promise<void> {
  if (!testEnv.CONTROL_URL) throw new Error("no control server: the test stack uses external servers");
  const res = await fetch(`${testEnv.CONTROL_URL}/${service}/${action}`, { method: "POST" });
  if (res.status !== 204) throw new Error(`control ${service} ${action}: ${res.status} ${await res.text()}`);
}
