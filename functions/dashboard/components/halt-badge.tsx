/** The badges of a link an admin disabled, or whose destination carries a warning (docs/abuse.md). */
import type { FC } from "hono/jsx";
import type { Link } from "../../api/links/schemas.ts";

export const HaltBadge: FC<{ link: Pick<Link, "disabled" | "warning"> }> = ({ link }) => (
  <>
    {link.disabled && <span class="badge disabled">disabled</span>}
    {link.warning !== null && <span class="badge warning" title={link.warning}>warning</span>}
  </>
);
