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
