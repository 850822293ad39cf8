/** Who a request acts as, and what it may do: the scopes of the API and the authenticated principal. */
export const scopes = ["links:read", "links:write", "analytics:read", "admin"] as const;
export type Scope = (typeof scopes)[number];

export interface Principal {
  /** An API key (ADMIN_API_KEY and QStash's signed calls included) or a person signed in to the dashboard. */
  kind: "key" | "user";
  /**
   * The key's id ("admin" for ADMIN_API_KEY, "qstash" for QStash's calls) or the person's (usr_...): what
   * links.created_by and the other created_by columns store (null for "admin").
   */
  id: string;
  /** How the audit log and createdBy name it: the key's name, or the person's name (else their email). */
  name: string;
  scopes: readonly Scope[];
  /**
   * Restriction: the only domains whose links the key sees and creates ("" = the default domain, as
   * api_keys.domains stores it); null = every domain.
   */
  domains: readonly string[] | null;
  /** Restriction: the key sees only the links it created. */
  ownLinksOnly: boolean;
}

/** ADMIN_API_KEY's principal: a fresh deployment can mint keys with it. */
export const ADMIN_PRINCIPAL: Principal = { kind: "key", id: "admin", name: "ADMIN_API_KEY", scopes, domains: null, ownLinksOnly: false };

export const isScope = (s: string): s is Scope => (scopes as readonly string[]).includes(s);

/** Whether `p` may use a route that requires `scope` (admin holds every scope). */
export const hasScope = (p: Principal, scope: Scope) => p.scopes.includes(scope) || p.scopes.includes("admin");
