import type { FC, PropsWithChildren } from "hono/jsx";

interface FieldProps {
  name: string;
  label: string;
  value?: string;
  type?: string;
  hint?: string;
  /** The API's message about this field, shown beside it. */
  error?: string;
  required?: boolean;
  placeholder?: string;
  autocomplete?: string;
  inputmode?: "numeric" | "url" | "text";
  min?: string;
  max?: string;
  readonly?: boolean;
}

/** A labelled input with its hint and its error tied to it (aria-describedby), so both are read out. */
export const Field: FC<FieldProps> = (p) => {
  const id = `f-${p.name}`;
  const described = [p.hint && `${id}-hint`, p.error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div class={p.error ? "field invalid" : "field"}>
      <label for={id}>{p.label}{p.required && <span aria-hidden="true"> *</span>}</label>
      <input
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value ?? ""}
        required={p.required}
        placeholder={p.placeholder}
        autocomplete={p.autocomplete}
        inputmode={p.inputmode}
        min={p.min}
        max={p.max}
        readonly={p.readonly}
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={described}
      />
      {p.hint && <p class="hint" id={`${id}-hint`}>{p.hint}</p>}
      {p.error && <p class="field-error" id={`${id}-error`}>{p.error}</p>}
    </div>
  );
};

/** A labelled select, same conventions as Field. */
export const Select: FC<PropsWithChildren<{ name: string; label: string; error?: string; hint?: string }>> = (p) => {
  const id = `f-${p.name}`;
  const described = [p.hint && `${id}-hint`, p.error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div class={p.error ? "field invalid" : "field"}>
      <label for={id}>{p.label}</label>
      <select id={id} name={p.name} aria-invalid={p.error ? "true" : undefined} aria-describedby={described}>
        {p.children}
      </select>
      {p.hint && <p class="hint" id={`${id}-hint`}>{p.hint}</p>}
      {p.error && <p class="field-error" id={`${id}-error`}>{p.error}</p>}
    </div>
  );
};

/** Checkboxes of one form field (`name`, one value per option), with the API's message about it tied to them. */
export const CheckboxGroup: FC<{
  name: string;
  legend: string;
  /** Each box's id is `{idPrefix}-{option}` (what tests and labels find). */
  idPrefix: string;
  options: readonly string[];
  checked: readonly string[];
  error?: string;
}> = (p) => (
  <fieldset aria-describedby={p.error ? `f-${p.name}-error` : undefined}>
    <legend>{p.legend}</legend>
    {p.options.map((o) => (
      <div class="check">
        <input type="checkbox" id={`${p.idPrefix}-${o}`} name={p.name} value={o} checked={p.checked.includes(o)} />
        <label for={`${p.idPrefix}-${o}`}>{o}</label>
      </div>
    ))}
    {p.error && <p class="field-error" id={`f-${p.name}-error`}>{p.error}</p>}
  </fieldset>
);
