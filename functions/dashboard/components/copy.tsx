import type { FC } from "hono/jsx";

/** A button the client script (public/assets/app.js) turns into "copy to clipboard"; hidden without script. */
export const CopyButton: FC<{ text: string; label?: string }> = ({ text, label }) => (
  <button type="button" class="copy" data-copy={text} aria-label={label ?? `Copy ${text}`} hidden>
    Copy
  </button>
);
