import { bindings } from "./env.ts";

/**
 * Stops or starts the real redis-server / PostgreSQL of this test run through the stack's control server
 * (dev/stack.ts): tests run inside workerd and cannot manage processes themselves.
 */
export async function control(service: "redis" | "postgres", action: "stop" | "start"): Promise<void> {
  const controlUrl = bindings.CONTROL_URL as string;
  if (!controlUrl) throw new Error("no control server: the test stack uses external servers");
  const res = await fetch(`${controlUrl}/${service}/${action}`, { method: "POST" });
  if (res.status !== 204) throw new Error(`control ${service} ${action}: ${res.status} ${await res.text()}`);
}
