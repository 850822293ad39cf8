/** Vite's `?raw` imports (the text of a file, bundled into the test): the migration test reads SQL this way. */
declare module "*.sql?raw" {
  const text: string;
  export default text;
}
declare module "*.csv?raw" {
  const text: string;
  export default text;
}
declare module "*.json?raw" {
  const text: string;
  export default text;
}
