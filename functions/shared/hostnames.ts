/**
 * Hostnames: how a request's host, a domain given to the API and PUBLIC_BASE_URL are compared. A domain is a
 * lowercase DNS name, without port or trailing dot; the default domain is the host of PUBLIC_BASE_URL (or,
 * when it is not set, the host a request arrived on).
 */
import { z } from "@hono/zod-openapi";
import type { Env } from "./env.ts";

/**
 * Lowercase, without the trailing dots of a fully qualified name. `URL.hostname` has no port already (and is
 * lowercase: the redirect calls this on every request, so the usual case costs no regex).
 */
export const bareHost = (host: string) => (host.endsWith(".") ? host.toLowerCase().replace(/\.+$/, "") : host.toLowerCase());

// Isolate-lifetime memo of PUBLIC_BASE_URL's host per configuration: the redirect asks on every request.
const baseHosts = new WeakMap<object, string>();

/** Host of the default domain for a request to `requestUrl` (a URL already parsed, or its text). */
export function defaultHostname(config: Pick<Env, "PUBLIC_BASE_URL">, requestUrl: URL | string): string {
  if (!config.PUBLIC_BASE_URL) return bareHost((typeof requestUrl === "string" ? new URL(requestUrl) : requestUrl).hostname);
  let host = baseHosts.get(config);
  if (host === undefined) baseHosts.set(config, (host = bareHost(new URL(config.PUBLIC_BASE_URL).hostname)));
  return host;
}

/** The longest DNS name. */
export const MAX_HOSTNAME_LENGTH = 253;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Why `name` (already lowercased) cannot be a domain, or null: a DNS name of labels of letters, digits and
 * hyphens (punycode for international names), at most 253 characters, with at least two labels and a
 * top-level label that is not all digits (so no IP address).
 */
export function hostnameProblem(name: string): string | null {
  if (name.length < 1 || name.length > MAX_HOSTNAME_LENGTH) return `must be 1 to ${MAX_HOSTNAME_LENGTH} characters`;
  const labels = name.split(".");
  if (labels.length < 2) return "must have at least two labels, like go.example.com";
  if (!labels.every((l) => LABEL.test(l))) {
    return "must be labels of a-z, 0-9 and - (not at either end), 1 to 63 characters each, separated by dots (punycode for international names)";
  }
  if (/^\d+$/.test(labels.at(-1)!)) return "must be a DNS name, not an IP address";
  return null;
}

/**
 * A hostname that names a domain (a link's `domain`, a path or query parameter): looser than the Hostname a
 * domain is registered with, since the default domain is whatever host PUBLIC_BASE_URL has (127.0.0.1 in
 * development); one that is not a domain here is a 404, not a 400.
 */
export const HostnameRef = z
  .string()
  .max(254)
  .regex(/^[A-Za-z0-9-][A-Za-z0-9.-]*$/, "must be a hostname: letters, digits, dots and hyphens")
  .transform((s) => s.toLowerCase().replace(/\.$/, ""))
  .openapi({ type: "string", example: "go.example.com" });

