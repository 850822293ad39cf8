/** Who a request acts as, and what it may do: the scopes of the API and the authenticated principal. */
export const scopes = ["links:read", "links:write", "analytics:read", "admin"] as const;
export type Scope = (typeof scopes)[number];

export interface Principal {
  /** The API key's id, or "admin" for ADMIN_API_KEY. */
  keyId: string;
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
export const ADMIN_PRINCIPAL: Principal = { keyId: "admin", scopes, domains: null, ownLinksOnly: false };

export const isScope = (s: string): s is Scope => (scopes as readonly string[]).includes(s);

/** Whether `p` may use a route that requires `scope` (admin holds every scope). */
export const hasScope = (p: Principal, scope: Scope) => p.scopes.includes(scope) || p.scopes.includes("admin");
