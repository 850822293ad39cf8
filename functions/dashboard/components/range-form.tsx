import type { FC } from "hono/jsx";
import type { DashboardRange } from "../page-range.ts";
import { Field, Select } from "./field.tsx";

const RANGES = [["24h", "Last 24 hours"], ["7d", "Last 7 days"], ["30d", "Last 30 days"], ["90d", "Last 90 days"], ["custom", "Custom days"]] as const;
const BOTS = [["exclude", "People only"], ["include", "People, bots and previews"], ["only", "Bots and previews only"]] as const;

/** The analytics controls: a plain GET form (bookmarkable; the client script adds the browser's zone). */
export const RangeForm: FC<{ action: string; range: DashboardRange; bots: string; tz: string; errors?: Record<string, string>; domain?: string }> = ({ action, range, bots, tz, errors = {}, domain }) => (
  <form method="get" action={action} class="filters range" aria-label="Range">
    <input type="hidden" name="tz" value={tz} data-tz />
    {domain && <input type="hidden" name="domain" value={domain} />}
    <Select name="range" label="Range" error={errors.range}>
      {RANGES.map(([v, l]) => <option value={v} selected={range.range === v}>{l}</option>)}
    </Select>
    <Field name="from" label="From day" type="date" value={range.fromDay} error={errors.from} />
    <Field name="to" label="To day" type="date" value={range.toDay} error={errors.to} />
    <Select name="bots" label="Bots" error={errors.bots}>
      {BOTS.map(([v, l]) => <option value={v} selected={bots === v}>{l}</option>)}
    </Select>
    <div class="filter-actions"><button type="submit">Apply</button></div>
    <p class="hint tz">Times in <strong>{tz}</strong>. The day fields count when the range is "Custom days".</p>
  </form>
);
