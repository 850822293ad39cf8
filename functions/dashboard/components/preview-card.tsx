import type { FC } from "hono/jsx";
import { previewImageProblem } from "../../api/links/preview-schemas.ts";
import type { FormErrors, LinkFormValues } from "../forms.ts";
import { Field } from "./field.tsx";

interface MockupProps {
  /** The short URL's host, as the networks print it under the card. */
  host: string;
  /** What the card's title falls back to without one: the short URL without its scheme (preview-card.ts). */
  fallbackTitle: string;
  title: string;
  description: string;
  image: string;
}

/** The image as the card would show it: only a valid https URL (the dashboard's CSP allows https images). */
const shownImage = (image: string) => (image && previewImageProblem(image) === null ? image : undefined);

/**
 * The card as a chat app draws it, from the values given (so it shows without script); on the link form,
 * public/assets/app.js keeps it current as the fields change ([data-og-*]). With no field set there is no card:
 * a note says so instead.
 */
export const PreviewMockup: FC<MockupProps> = (p) => {
  const none = !p.title && !p.description && !p.image;
  const image = shownImage(p.image);
  return (
    <div class="og-preview" data-og-preview>
      <figure class="og-card" data-og-card hidden={none} aria-label="How the card looks when the link is shared">
        <img class="og-image" data-og-image src={image} alt="" hidden={!image} />
        <figcaption>
          <span class="og-host" data-og-host>{p.host}</span>
          <strong class="og-title" data-og-title data-fallback={p.fallbackTitle}>{p.title || p.fallbackTitle}</strong>
          <span class="og-description" data-og-description hidden={!p.description}>{p.description}</span>
        </figcaption>
      </figure>
      <p class="empty" data-og-none hidden={!none}>No preview card: link-preview fetchers are redirected like everyone, and show the destination's own card.</p>
    </div>
  );
};

/** The link form's "Preview card" section: its three fields, and the mock-up beside them. */
export const PreviewEditor: FC<{ values: LinkFormValues; errors: FormErrors; host: string; fallbackTitle: string }> = ({ values: v, errors, host, fallbackTitle }) => (
  <fieldset class="preview-editor">
    <legend>Preview card</legend>
    <p class="hint">
      What Slack, X, WhatsApp, LinkedIn, Discord, iMessage and other link previews show when the short link is shared.
      People are still redirected. Leave all three empty for no card.
    </p>
    {errors.preview && <p class="field-error" id="f-preview-error">{errors.preview}</p>}
    <div class="preview-grid">
      <div>
        <Field name="previewTitle" label="Card title" value={v.previewTitle} error={errors["preview.title"]} hint="At most 200 characters." />
        <Field name="previewDescription" label="Card description" value={v.previewDescription} error={errors["preview.description"]}
          hint="At most 1,000 characters, one line." />
        <Field name="previewImage" label="Card image URL" type="url" inputmode="url" value={v.previewImage} error={errors["preview.image"]}
          placeholder="https://example.com/card.png" hint="An https URL; 1200×630 suits most networks." />
      </div>
      <PreviewMockup host={host} fallbackTitle={fallbackTitle} title={v.previewTitle} description={v.previewDescription} image={v.previewImage} />
    </div>
  </fieldset>
);
