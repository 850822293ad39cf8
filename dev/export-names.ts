/**
 * One name, one meaning: an exported name defined in two source files is two things a reader has to tell
 * apart by path. `npm test` refuses such a tree (as it refuses stale vendored assets), so each new face of
 * the API (Shlink's, Dub's) names its exports for itself. A zod schema and its `z.infer` type in one file
 * are one name. Run by hand: `npx tsx dev/export-names.ts`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Names that are one thing defined twice because two runtimes read it: the run's admin key, which the
 * workerd tests take from their env and the Node-side browser tests from the bindings handed to them.
 */
const ONE_MEANING = new Set(["ADMIN_KEY"]);

const EXPORT = /^export (?:declare )?(?:async )?(?:function\*?|const|let|type|interface|class|enum) ([A-Za-z0-9_$]+)/gm;

/** Names exported from more than one hand-written TypeScript file, with the files that define each. */
export function duplicateExports(root = process.cwd()): Map<string, string[]> {
  const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !f.startsWith("types/") && !f.endsWith(".d.ts") && fs.existsSync(`${root}/${f}`));
  const where = new Map<string, Set<string>>();
  for (const file of files) {
    for (const m of fs.readFileSync(`${root}/${file}`, "utf8").matchAll(EXPORT)) {
      const set = where.get(m[1]) ?? new Set();
      where.set(m[1], set.add(file));
    }
  }
  return new Map([...where].filter(([name, set]) => set.size > 1 && !ONE_MEANING.has(name)).map(([name, set]) => [name, [...set].sort()]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dups = duplicateExports();
  for (const [name, files] of dups) console.log(`${name}: ${files.join(", ")}`);
  console.log(`${dups.size} exported names defined in more than one file`);
  process.exitCode = dups.size ? 1 : 0;
}
