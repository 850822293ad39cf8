/** A blocked_hosts row as the API shows it. */
import type { BlockedHostRow } from "../../../db/schema.ts";
import { SUFFIX_PREFIX } from "../../abuse/block-hosts.ts";
import type { CreatedBy } from "../created-by.ts";
import type { BlockedHostJson } from "./schemas.ts";

export const toBlockedHost = (r: BlockedHostRow, createdBy: CreatedBy): BlockedHostJson => ({
  host: r.host,
  kind: r.host.startsWith(SUFFIX_PREFIX) ? "suffix" : "exact",
  createdBy,
  createdAt: r.createdAt.toISOString(),
});
