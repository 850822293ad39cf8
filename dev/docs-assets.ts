/**
 * Copies the Swagger UI files that /docs needs from the pinned `swagger-ui-dist` package into the Worker's
 * static assets (public/docs/swagger-ui/), so the docs page loads nothing from a CDN and nothing of it sits
 * in the Worker bundle (which would slow every cold start of the redirect). Run by wrangler as the custom
 * build step ([build] in wrangler.toml) before `wrangler dev`, `wrangler deploy` and its --dry-run.
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const from = path.join(root, "node_modules", "swagger-ui-dist");
const to = path.join(root, "public", "docs", "swagger-ui");
// The viewer, its styles, and the licence texts that must travel with it (Apache-2.0).
const files = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"];

fs.mkdirSync(to, { recursive: true });
for (const f of files) fs.copyFileSync(path.join(from, f), path.join(to, f));
