/** The SQL of audit_log: entries appended in the statement (or transaction) of the change they record. */
import { and, desc, eq, gte, inArray, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { TypedQueryBuilder } from "drizzle-orm/query-builders/query-builder";
import type { Db, Tx } from "../client.ts";
import { auditLog, type AuditActor, type AuditRow } from "../schema.ts";
import type { LinkScope } from "./links.ts";
import type { Principal } from "../../functions/shared/auth/scopes.ts";

export interface AuditEntry {
  /** Who did it; null for a failed sign-in by someone unknown. */
  actor: Principal | null;
  /** `<resource>.<verb>`: link.created, user.updated, session.signed_in, ... */
  action: string;
  /** What it was done to: "link:<id>", "user:<id>", "domain:<hostname>", "key:<id>", "webhook:<id>", ... */
  target?: string;
  /** For link entries: the link's domain ("" = the default) and creator, so restricted readers see only theirs. */
  domain?: string | null;
  linkCreatedBy?: string | null;
  before?: unknown;
  after?: unknown;
}

export const auditActor = (p: Principal): AuditActor => ({ type: p.kind, id: p.id, name: p.name });

/** Appends one entry; pass the transaction of the change it records, so both or neither are kept. */
export async function appendAudit(db: Db | Tx, e: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actor: e.actor ? auditActor(e.actor) : null,
    action: e.action,
    target: e.target ?? null,
    domain: e.domain ?? null,
    linkCreatedBy: e.linkCreatedBy ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
  });
}

/** Who made a change and what it is called: the part of an entry the caller knows. */
export interface AuditBy {
  actor: Principal | null;
  action: string;
}

/** How the rows of one table are logged. */
export interface AuditedTable {
  /** The target's kind: an entry's target is `<kind>:<key column of the row>`. */
  kind: string;
  /** SQL name of the row's key column. */
  key: string;
  /** SQL names of columns never logged (secrets, password hashes). */
  hidden: readonly string[];
  /**
   * SQL names of large text columns logged as `{"bytes","sha256"}` of their UTF-8 text (null stays null): the
   * entry tells whether and to what the value changed without holding up to 64 KB twice per change, which
   * would make every page of the audit list that large.
   */
  digested?: readonly string[];
  /** Link entries also carry the link's domain ("" = the default) and creator, for restricted readers. */
  link?: boolean;
}

export const LINK_AUDIT: AuditedTable = { kind: "link", key: "id", hidden: ["password_hash"], link: true };
export const DOMAIN_AUDIT: AuditedTable = {
  kind: "domain", key: "hostname", hidden: [], digested: ["apple_app_site_association", "asset_links", "qr_logo"],
};
export const KEY_AUDIT: AuditedTable = { kind: "key", key: "id", hidden: ["hash"] };
export const WEBHOOK_AUDIT: AuditedTable = { kind: "webhook", key: "id", hidden: ["secret", "previous_secret"] };

/** A row of a CTE as loggable JSON: hidden columns dropped (a link says only whether it has a password). */
function rowJson(alias: string, t: AuditedTable): SQL {
  const a = sql.identifier(alias);
  const digested = t.digested ?? [];
  const json = sql`(to_jsonb(${a}) - ${`{${[...t.hidden, ...digested].join(",")}}`}::text[])`;
  if (t.link) return sql`(${json} || jsonb_build_object('has_password', ${a}.password_hash is not null))`;
  if (!digested.length) return json;
  const digests = sql.join(
    digested.map((name) => {
      const col = sql`${a}.${sql.identifier(name)}`;
      return sql`${name}::text, case when ${col} is null then null else jsonb_build_object('bytes', octet_length(${col}), 'sha256', encode(sha256(convert_to(${col}, 'UTF8')), 'hex')) end`;
    }),
    sql`, `,
  );
  return sql`(${json} || jsonb_build_object(${digests}))`;
}

export interface ChangeLog extends AuditBy {
  table: AuditedTable;
  /**
   * What the returned rows are: "after" (insert, update) or "before" (delete). For an update, `before`
   * selects the rows as they were: the statement's snapshot, so the same condition as the update's finds them.
   */
  returned: "after" | "before";
  before?: { from: PgTable; where: SQL | undefined };
}

/**
 * Runs `change` (an insert, update or delete returning its rows) and appends one entry per row it returned,
 * in ONE statement (data-modifying CTEs): both or neither are kept, and the log costs no round trip of its
 * own, which a transaction (BEGIN, the change, the entry, COMMIT) would.
 */
export async function withAudit<TSel extends Record<string, unknown>, TRow>(
  db: Db | Tx, change: TypedQueryBuilder<TSel, TRow[]>, log: ChangeLog,
): Promise<TRow[]> {
  const t = log.table;
  const changed = db.$with("changed").as(change as TypedQueryBuilder<TSel>);
  const old = log.before
    ? db.$with("old", {}).as(sql`select * from ${log.before.from} ${log.before.where ? sql`where ${log.before.where}` : sql``}`)
    : undefined;
  const row = sql.identifier("changed");
  const key = sql.identifier(t.key);
  const beforeJson = log.returned === "before" ? rowJson("changed", t) : old ? rowJson("old", t) : sql`null`;
  const afterJson = log.returned === "after" ? rowJson("changed", t) : sql`null`;
  const entries = db.$with("audit", {}).as(sql`
    insert into ${auditLog} (actor, action, target, domain, link_created_by, before, after)
    select ${log.actor ? JSON.stringify(auditActor(log.actor)) : null}::jsonb, ${log.action}, ${`${t.kind}:`} || ${row}.${key},
      ${t.link ? sql`coalesce(${row}.domain, '')` : sql`null`}, ${t.link ? sql`${row}.created_by` : sql`null`},
      ${beforeJson}, ${afterJson}
    from ${row} ${old ? sql`left join ${sql.identifier("old")} on ${sql.identifier("old")}.${key} = ${row}.${key}` : sql``}`);
  const ctes = old ? [old, changed, entries] : [changed, entries];
  // The generic selection cannot prove it has columns; `change` returned every column of its table.
  return (await db.with(...ctes).select().from(changed as never)) as TRow[];
}

/** What GET /api/v1/audit asks for; `scope` is the reader's view of the links (a restricted one sees only their entries). */
export interface AuditFilter {
  limit: number;
  /** Entries older than this seq (the next page). */
  beforeSeq?: number;
  actor?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
  scope: LinkScope;
}

/**
 * A restricted reader (domains or own links only) sees only entries about links it may see, by the domain and
 * creator each link entry carries: what it may see now of a link it saw then, nothing about anything else.
 */
function readerCondition(scope: LinkScope): SQL | undefined {
  if (scope.domains === null && scope.createdBy === null) return undefined;
  return and(
    sql`${auditLog.target} like 'link:%'`,
    isNotNull(auditLog.domain),
    scope.domains ? inArray(auditLog.domain, [...scope.domains]) : undefined,
    scope.createdBy === null ? undefined : eq(auditLog.linkCreatedBy, scope.createdBy),
  );
}

/** One page, newest first, and the seq to continue below (null on the last page). */
export async function listAudit(db: Db, f: AuditFilter): Promise<{ rows: AuditRow[]; next: number | null }> {
  const page = await db
    .select()
    .from(auditLog)
    .where(
      and(
        f.beforeSeq === undefined ? undefined : lt(auditLog.seq, f.beforeSeq),
        f.actor === undefined ? undefined : sql`${auditLog.actor}->>'id' = ${f.actor}`,
        f.action === undefined ? undefined : eq(auditLog.action, f.action),
        f.target === undefined ? undefined : eq(auditLog.target, f.target),
        f.from === undefined ? undefined : gte(auditLog.at, f.from),
        f.to === undefined ? undefined : lt(auditLog.at, f.to),
        readerCondition(f.scope),
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(f.limit + 1);
  const rows = page.slice(0, f.limit);
  return { rows, next: page.length > f.limit ? rows[rows.length - 1].seq : null };
}
