/** Vite's `?raw` imports (the text of a file, bundled into the test): the migration test reads SQL this way. */
declare module "*.sql?raw" {
  const text: string;
  export default text;
}

/** Vite's `import.meta.glob`, as the migration test uses it (eager, `?raw`, the default export: each file's text). */
interface ImportMeta {
  glob<T>(pattern: string, options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
}
