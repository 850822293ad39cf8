/**
 * The rules and variants editor of the link form (fields named as in the API body: routing-form.ts). Works
 * without script: the rows a link has, plus one empty rule, one empty condition per rule and empty variant
 * rows; to add more, save and edit again. Every input has its own label and the API's error beside it.
 */
import type { FC } from "hono/jsx";
import { BROWSERS, CONDITION_TYPES, DEVICES } from "../../shared/routing-conditions.ts";
import type { ConditionRow, RoutingFormValues, RuleRow, VariantRow } from "../routing-form.ts";

type Errors = Record<string, string>;

const TYPE_LABELS: Record<(typeof CONDITION_TYPES)[number], string> = {
  device: "Device",
  browser: "Browser",
  language: "Language",
  "query-param": "Query parameter = value",
  "any-value-query-param": "Query parameter present",
  "valueless-query-param": "Query parameter without value",
  "ip-address": "IP address or block",
  "geolocation-country-code": "Country (ISO code)",
  "geolocation-city-name": "City",
  "before-date": "Before (ISO 8601)",
  "after-date": "After (ISO 8601)",
};

const NO_CONDITION: ConditionRow = { type: "", matchKey: "", matchValue: "" };
const NO_RULE: RuleRow = { url: "", conditions: [] };
const NO_VARIANT: VariantRow = { url: "", weight: "" };

/** An input with its label and its error, for one cell of a row. */
const Cell: FC<{ name: string; label: string; value: string; errors: Errors; type?: string; list?: string; inputmode?: "numeric" | "url" }> = (p) => {
  const id = `f-${p.name.replaceAll(".", "-")}`;
  const error = p.errors[p.name];
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={id}>{p.label}</label>
      <input id={id} name={p.name} type={p.type ?? "text"} value={p.value} list={p.list} inputmode={p.inputmode}
        aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
};

const Condition: FC<{ rule: number; index: number; c: ConditionRow; errors: Errors }> = ({ rule, index, c, errors }) => {
  const base = `rules.${rule}.conditions.${index}`;
  const id = `f-${base.replaceAll(".", "-")}-type`;
  const what = `Rule ${rule + 1}, condition ${index + 1}`;
  const error = errors[`${base}.type`] ?? errors[base];
  return (
    <div class="row condition">
      <div class={error ? "field invalid" : "field"}>
        <label for={id}>{what}: type</label>
        <select id={id} name={`${base}.type`} aria-invalid={error ? "true" : undefined}>
          <option value="" selected={!c.type}>(none)</option>
          {CONDITION_TYPES.map((t) => <option value={t} selected={c.type === t}>{TYPE_LABELS[t]}</option>)}
          {c.type && !(CONDITION_TYPES as readonly string[]).includes(c.type) && <option value={c.type} selected>{c.type}</option>}
        </select>
        {error && <p class="field-error">{error}</p>}
      </div>
      <Cell name={`${base}.matchKey`} label={`${what}: parameter name`} value={c.matchKey} errors={errors} />
      <Cell name={`${base}.matchValue`} label={`${what}: value`} value={c.matchValue} errors={errors} list="routing-values" />
    </div>
  );
};

const RuleRows: FC<{ index: number; rule: RuleRow; errors: Errors }> = ({ index, rule, errors }) => (
  <fieldset class="rule">
    <legend>Rule {index + 1}</legend>
    {errors[`rules.${index}`] && <p class="field-error">{errors[`rules.${index}`]}</p>}
    <Cell name={`rules.${index}.url`} label={`Rule ${index + 1}: URL`} value={rule.url} errors={errors} type="url" inputmode="url" />
    {errors[`rules.${index}.conditions`] && <p class="field-error">{errors[`rules.${index}.conditions`]}</p>}
    {[...rule.conditions, NO_CONDITION].map((c, j) => <Condition rule={index} index={j} c={c} errors={errors} />)}
  </fieldset>
);

export const RoutingEditor: FC<{ values: RoutingFormValues; errors?: Errors }> = ({ values, errors = {} }) => {
  const variants = values.variants.length ? [...values.variants, NO_VARIANT] : [NO_VARIANT, NO_VARIANT];
  return (
    <details class="routing" open={values.rules.length > 0 || values.variants.length > 0 || Object.keys(errors).length > 0}>
      <summary>Routing rules and A/B variants</summary>
      <p class="hint">
        Rules are tried in order: the first whose conditions all match sends the visitor to its URL. Otherwise the visit
        goes to one of the variants (if any), by weight, the same one all day for a visitor; otherwise to the destination
        URL above. Password, expiry and click limit come first. Leave a row empty to remove it; save and edit again for more rows.
        Devices: {DEVICES.join(", ")}. Browsers: {BROWSERS.join(", ")}.
      </p>
      <datalist id="routing-values">{[...DEVICES, ...BROWSERS].map((v) => <option value={v} />)}</datalist>
      {errors.rules && <p class="field-error">{errors.rules}</p>}
      {[...values.rules, NO_RULE].map((r, i) => <RuleRows index={i} rule={r} errors={errors} />)}
      <fieldset class="variants">
        <legend>A/B variants</legend>
        <p class="hint">2 to 10 URLs with whole-number weights adding up to 100 (percent of the visits no rule took).</p>
        {errors.variants && <p class="field-error">{errors.variants}</p>}
        {variants.map((v, i) => (
          <div class="row">
            <Cell name={`variants.${i}.url`} label={`Variant ${i + 1}: URL`} value={v.url} errors={errors} type="url" inputmode="url" />
            <Cell name={`variants.${i}.weight`} label={`Variant ${i + 1}: weight (%)`} value={v.weight} errors={errors} type="number" inputmode="numeric" />
          </div>
        ))}
      </fieldset>
    </details>
  );
};
