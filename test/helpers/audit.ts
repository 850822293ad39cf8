/** Reading the audit log straight from Postgres, and a fault that makes a change fail after its entry. */
import { asc, eq, sql } from "drizzle-orm";
import { auditLog, type AuditRow } from "../../db/schema.ts";
import { withDb } from "./db.ts";

/** The entries about `target` ("link:<id>", "domain:<hostname>", ...), oldest first. */
export const entriesAbout = (target: string): Promise<AuditRow[]> =>
  withDb((db) => db.select().from(auditLog).where(eq(auditLog.target, target)).orderBy(asc(auditLog.seq)));

/** Entries whose before or after mention `marker` anywhere. */
export const entriesMentioning = (marker: string): Promise<AuditRow[]> =>
  withDb((db) => db.select().from(auditLog).where(sql`concat(${auditLog.before}::text, ${auditLog.after}::text, ${auditLog.target}) like ${`%${marker}%`}`));

/**
 * Runs `fn` while a deferred constraint trigger on audit_log refuses, at the end of the change's statement or
 * transaction, any entry that mentions `marker`: the entry was inserted, and the change still fails. Removed after.
 */
export async function withAuditFailingOn<T>(marker: string, fn: () => Promise<T>): Promise<T> {
  const safe = marker.replace(/[^a-z0-9-]/gi, "");
  await withDb(async (db) => {
    await db.execute(sql.raw(`
      create or replace function audit_test_refuse() returns trigger language plpgsql as $$
      begin
        if concat(new.before::text, new.after::text, new.target) like '%${safe}%' then
          raise exception 'audit entry refused by the test (marker ${safe})';
        end if;
        return null;
      end $$`));
    await db.execute(sql.raw(`
      create constraint trigger audit_test_refuse after insert on audit_log
      deferrable initially deferred for each row execute function audit_test_refuse()`));
  });
  try {
    return await fn();
  } finally {
    await withDb(async (db) => {
      await db.execute(sql.raw(`drop trigger if exists audit_test_refuse on audit_log`));
      await db.execute(sql.raw(`drop function if exists audit_test_refuse()`));
    });
  }
}
