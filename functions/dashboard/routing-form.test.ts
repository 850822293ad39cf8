/** Unit tests of the routing editor's form <-> API body: rows by their API paths, empty rows dropped, errors by path. */
import { describe, expect, it } from "vitest";
import { readRoutingForm, routingBody, routingErrors, routingToForm } from "./routing-form.ts";

describe("routing form", () => {
  it("reads rows by their API paths in index order, dropping empty rows and conditions", () => {
    const f = readRoutingForm({
      "rules.1.url": " https://b.example ",
      "rules.1.conditions.0.type": "language",
      "rules.1.conditions.0.matchValue": "de",
      "rules.0.url": "https://a.example",
      "rules.0.conditions.1.type": "query-param",
      "rules.0.conditions.1.matchKey": "ref",
      "rules.0.conditions.1.matchValue": "beta",
      "rules.0.conditions.2.type": "",
      "rules.2.url": "",
      "rules.2.conditions.0.type": "",
      "variants.0.url": "https://v.example/a",
      "variants.0.weight": "60",
      "variants.1.url": "https://v.example/b",
      "variants.1.weight": "forty",
      "variants.2.url": "",
      "variants.2.weight": "",
      "rules.x.url": "ignored",
      "rules.100.url": "ignored",
    });
    expect(routingBody(f)).toEqual({
      rules: [
        { url: "https://a.example", conditions: [{ type: "query-param", matchKey: "ref", matchValue: "beta" }] },
        { url: "https://b.example", conditions: [{ type: "language", matchKey: null, matchValue: "de" }] },
      ],
      variants: [{ url: "https://v.example/a", weight: 60 }, { url: "https://v.example/b", weight: "forty" }],
    });
  });

  it("sends no variants as null, and shows a link's routing back as rows", () => {
    expect(routingBody(readRoutingForm({}))).toEqual({ rules: [], variants: null });
    const link = {
      rules: [{ url: "https://a.example/", conditions: [{ type: "device" as const, matchKey: null, matchValue: "ios" as const }] }],
      variants: [{ url: "https://v.example/a", weight: 50 }, { url: "https://v.example/b", weight: 50 }],
    };
    expect(routingToForm(link)).toEqual({
      rules: [{ url: "https://a.example/", conditions: [{ type: "device", matchKey: "", matchValue: "ios" }] }],
      variants: [{ url: "https://v.example/a", weight: "50" }, { url: "https://v.example/b", weight: "50" }],
    });
    expect(routingBody(routingToForm(link))).toEqual(link);
  });

  it("keeps the API's errors about rules and variants by their full path", () => {
    const errors = routingErrors({
      type: "t", title: "t", status: 400, detail: "d",
      errors: [
        { path: "rules.0.conditions.1.matchValue", message: "must be one of" },
        { path: "variants", message: "weights must add up to 100" },
        { path: "url", message: "bad" },
        { path: "rulesx", message: "not ours" },
      ],
    });
    expect(errors).toEqual({ "rules.0.conditions.1.matchValue": "must be one of", variants: "weights must add up to 100" });
  });
});
