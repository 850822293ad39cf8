/**
 * `npm run vendor`: copies the browser libraries the dashboard serves from its own static assets
 * (public/assets/vendor/) out of node_modules, so the pinned package version is what ships. The copies are
 * committed (the Worker's assets must exist without a build step); `npm test` fails when they drift.
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
export const vendored: [from: string, to: string][] = [
  ["node_modules/uplot/dist/uPlot.iife.min.js", "public/assets/vendor/uPlot.iife.min.js"],
  ["node_modules/uplot/dist/uPlot.min.css", "public/assets/vendor/uPlot.min.css"],
  ["node_modules/uplot/LICENSE", "public/assets/vendor/uPlot.LICENSE.txt"],
];

/** The vendored files that differ from node_modules (empty: up to date). */
export function staleVendored(): string[] {
  return vendored
    .filter(([from, to]) => {
      const dest = path.join(root, to);
      return !fs.existsSync(dest) || !fs.readFileSync(path.join(root, from)).equals(fs.readFileSync(dest));
    })
    .map(([, to]) => to);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const [from, to] of vendored) {
    fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    fs.copyFileSync(path.join(root, from), path.join(root, to));
    console.log(`${from} -> ${to}`);
  }
}
