/** A link's destination health as the dashboard shows it: a badge, and in words what the last check found. */
import type { Link } from "../../api/links/schemas.ts";
import { formatInstant } from "../wall-time.ts";

type Health = Link["health"];

const LABEL = { ok: "OK", broken: "Broken", unsafe: "Unsafe" } as const;

/** What the last check found, for people. */
export function healthReason(h: NonNullable<Health>): string {
  const r = h.reason ?? "";
  if (r.startsWith("safe-browsing:")) return `flagged by Google Safe Browsing (${r.slice("safe-browsing:".length)})`;
  switch (r) {
    case "redirects": return "more than 5 redirects";
    case "refused": return "connection refused";
    case "unreachable": return "unreachable (no such host, or its TLS failed)";
    case "timeout": return "no answer in time";
    case "5xx": return `server error ${h.httpStatus ?? ""}`.trim();
    case "private-host": return "not fetched: a private host";
    default: return h.httpStatus === null ? "no answer" : `answered ${h.httpStatus}`;
  }
}

/** The badge; with `long`, followed by the reason and the time of the check. */
export function HealthBadge({ health, tz, long }: { health: Health; tz: string; long?: boolean }) {
  if (!health) return <span class="health health-unchecked" data-health="unchecked">Not checked yet</span>;
  const when = formatInstant(health.checkedAt, tz);
  const reason = healthReason(health);
  return (
    <>
      <span class={`health health-${health.status}`} data-health={health.status} title={long ? undefined : `${reason}, checked ${when}`}>
        {LABEL[health.status]}
      </span>
      {long && <span class="health-why"> {reason}, checked <time datetime={health.checkedAt}>{when} ({tz})</time></span>}
    </>
  );
}
