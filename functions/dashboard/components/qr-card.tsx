/**
 * The QR section of a link's page: the code as the API drew it for the chosen options, Download links, and
 * a GET form with the API's choices. Without script the form reloads the page; public/assets/app.js
 * reloads only the image and the links as a choice changes.
 */
import type { FC } from "hono/jsx";
import type { FormErrors } from "../forms.ts";
import { qrImagePath, type QrFormValues } from "../qr-choices.ts";
import { Field, Select } from "./field.tsx";
import { FormError } from "./layout.tsx";

export interface QrPreview {
  /** A data: URL of the code as drawn; undefined when the API refused the choices (see errors). */
  src?: string;
  errors: FormErrors;
  /** The domain's logo's media type, or "none" (the X-QR-Logo header of the API's answer). */
  logo: string;
}

interface Props {
  slug: string;
  shortUrl: string;
  /** The link's domain when not the default (the page's ?domain=). */
  domain: string | undefined;
  values: QrFormValues;
  preview: QrPreview;
}

/** `#rrggbb` for a colour picker, which shows anything else as black. */
const pickerValue = (v: string) => (/^#?[0-9a-fA-F]{6}$/.test(v) ? `#${v.replace(/^#/, "").toLowerCase()}` : "#000000");

const Check: FC<{ name: string; label: string; checked: boolean; error?: string }> = (p) => (
  <div class={p.error ? "field invalid" : "field"}>
    <div class="check">
      <input type="checkbox" id={`f-${p.name}`} name={p.name} value="true" checked={p.checked} aria-describedby={p.error ? `f-${p.name}-error` : undefined} />
      <label for={`f-${p.name}`}>{p.label}</label>
    </div>
    {p.error && <p class="field-error" id={`f-${p.name}-error`}>{p.error}</p>}
  </div>
);

export const QrCard: FC<Props> = ({ slug, shortUrl, domain, values: v, preview }) => {
  const e = preview.errors;
  const hasLogo = preview.logo !== "none" || v.logo === "true";
  const option = (value: string, label: string, current: string) => <option value={value} selected={value === current}>{label}</option>;
  return (
    <section class="card qr" id="qr">
      <h2>QR code</h2>
      <FormError message={e[""]} />
      <img id="qr-preview" src={preview.src} hidden={!preview.src} width="200" height="200" alt={`QR code for ${shortUrl}`} />
      <p class="buttons">
        {(["png", "svg"] as const).map((f) => (
          <a class="button" href={qrImagePath(slug, domain, v, f)} download={`${slug}.${f}`} data-qr-download={f}>Download {f.toUpperCase()}</a>
        ))}
      </p>
      <form method="get" action={`/app/links/${encodeURIComponent(slug)}#qr`} class="qr-form" data-qr-form={`/app/links/${encodeURIComponent(slug)}`}>
        {domain && <input type="hidden" name="domain" value={domain} />}
        <Select name="format" label="Shown as" error={e.format}>{option("png", "PNG", v.format)}{option("svg", "SVG", v.format)}</Select>
        <Field name="size" label="Size (pixels)" type="number" inputmode="numeric" min="64" max="2048" value={v.size} error={e.size}
          hint="64 to 2,048; every module gets whole pixels, at least 2." />
        <Field name="margin" label="Margin (modules)" type="number" inputmode="numeric" min="0" max="16" value={v.margin} error={e.margin}
          hint="The standard's quiet zone is 4: under 4 some readers fail." />
        <Field name="fg" label="Foreground" type="color" value={pickerValue(v.fg)} error={e.fg} />
        <Field name="bg" label="Background" type="color" value={pickerValue(v.bg)} error={e.bg}
          hint="Darker modules on a lighter ground, with a contrast of at least 4.5:1." />
        <Check name="transparent" label="Transparent background (the colour above is the surface it will sit on)" checked={v.transparent === "true"} />
        <Select name="ecc" label="Error correction" error={e.ecc}
          hint="How much of the code may be lost: L 7 %, M 15 %, Q 25 %, H 30 %. Higher levels make denser codes.">
          {option("L", "L (low)", v.ecc)}{option("M", "M (medium)", v.ecc)}{option("Q", "Q (quartile)", v.ecc)}{option("H", "H (high)", v.ecc)}
        </Select>
        {hasLogo && <Check name="logo" label="The domain's logo in the middle (error correction H)" checked={v.logo === "true"} error={e.logo} />}
        <button type="submit">Show</button>
      </form>
    </section>
  );
};
