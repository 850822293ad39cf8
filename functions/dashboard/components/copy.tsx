import type { Child, FC } from "hono/jsx";

/** A button the client script (public/assets/app.js) turns into "copy to clipboard"; hidden without script. */
export const CopyButton: FC<{ text: string; label?: string }> = ({ text, label }) => (
  <button type="button" class="copy" data-copy={text} aria-label={label ?? `Copy ${text}`} hidden>
    Copy
  </button>
);

/** A secret shown once, right after it was made (an API key, a webhook's signing secret), to copy. */
export const ShownOnce: FC<{ id: string; title: string; note: Child; label: string; value: string; copyLabel: string }> = (p) => (
  <section class="card minted" aria-labelledby={`${p.id}-title`}>
    <h2 id={`${p.id}-title`}>{p.title}</h2>
    <p>{p.note}</p>
    <p class="short">
      <label for={p.id} class="sr-only">{p.label}</label>
      <input id={p.id} type="text" readonly value={p.value} />
      <CopyButton text={p.value} label={p.copyLabel} />
    </p>
  </section>
);
