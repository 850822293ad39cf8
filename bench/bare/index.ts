/** The baseline: the fastest a Hono Worker can redirect on this machine — a fixed 302 for any path. */
import { Hono } from "hono";

const app = new Hono();
app.get("*", (c) => c.redirect("https://example.com/", 302));

export default app;
