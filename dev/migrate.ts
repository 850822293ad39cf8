/** Applies the drizzle-kit migrations in db/migrations to DATABASE_URL (`npm run db:migrate`). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "db", "migrations");

export async function applyMigrations(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Postgres NOTICEs ("schema already exists, skipping") are noise here.
    client.on("notice", () => {});
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set: point it at the Postgres to migrate (Neon: the direct, non-pooled URL).");
    process.exit(2);
  }
  await applyMigrations(url);
  console.log("migrations applied");
}
