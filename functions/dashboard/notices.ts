/**
 * The confirmation a page shows after a form's 303 comes from a fixed code in `?done=`, never from text in
 * the address: a notice that rendered a query value would let anyone link a signed-in user to our own page
 * saying what they liked ("Your session expired: sign in again at ..."). The page says what was done; the
 * row it was done to is on the page itself, or gone.
 */
import type { Context } from "hono";

const NOTICES = {
  "link-created": "Link created.",
  "link-saved": "Changes saved.",
  "link-deleted": "Link deleted.",
  "domain-added": "Domain added.",
  "domain-saved": "Domain saved.",
  "domain-removed": "Domain removed.",
  "tag-renamed": "Tag renamed on its links.",
  "tag-deleted": "Tag removed from its links.",
  "key-revoked": "Key revoked.",
  "host-blocked": "Host blocked: links may no longer point there.",
  "host-unblocked": "Host unblocked.",
  "person-invited": "Invitation made: they join at their first sign-in.",
  "person-saved": "Changes saved: they apply at the person's next request.",
  "person-removed": "Person removed and signed out.",
  "webhook-test-sent": "Test event sent.",
  "delivery-retried": "Delivery queued again.",
  "signed-out": "Signed out.",
  "link-disabled": "Link disabled: it answers 410 from now on.",
  "link-enabled": "Link enabled: it redirects again.",
  "warning-cleared": "Warning cleared: the link redirects again.",
  "report-disabled": "Report resolved: its link is disabled.",
  "report-dismissed": "Report dismissed.",
  "session-expired": "Your session ended or its key was revoked: sign in again.",
} as const;

export type NoticeCode = keyof typeof NOTICES;

/** `path` with the code of what was just done; `path` may already carry a query. */
export const withNotice = (path: string, code: NoticeCode) => `${path}${path.includes("?") ? "&" : "?"}done=${code}`;

/** The notice for this request's `?done=`, or none for a code we did not write. */
export function noticeOf(c: Context): string | undefined {
  const code = c.req.query("done");
  return code !== undefined && Object.hasOwn(NOTICES, code) ? NOTICES[code as NoticeCode] : undefined;
}
