/** Unit tests of form <-> API body: the API's types out, the API's errors back beside their fields. */
import { describe, expect, it } from "vitest";
import { createBody, formErrors, linkFields, patchBody, readLinkForm } from "./forms.ts";

describe("forms", () => {
  it("sends only what was filled in on create, in the API's types", () => {
    const f = readLinkForm({ url: " https://a.example ", slug: "", tags: "a, b ,, c", maxClicks: "5", expiresAt: "2030-01-01T10:00", redirectType: "301" });
    expect(createBody(f, "Europe/Paris")).toEqual({
      url: "https://a.example", tags: ["a", "b", "c"], maxClicks: 5, expiresAt: "2030-01-01T09:00:00.000Z", redirectType: 301,
    });
  });

  it("clears emptied fields on edit, and touches the password only when asked", () => {
    const body = patchBody(readLinkForm({ url: "https://a.example", redirectType: "302" }), "UTC");
    expect(body).toEqual({
      url: "https://a.example", title: null, tags: [], validSince: null, expiresAt: null, maxClicks: null, fallbackUrl: null, redirectType: 302,
      forwardQuery: true, crawlable: false, rules: [], variants: null, preview: null,
    });
    expect(patchBody(readLinkForm({ url: "x", noForwardQuery: "on", crawlable: "on", validSince: "2030-01-01T10:00" }), "Europe/Paris")).toMatchObject({
      forwardQuery: false, crawlable: true, validSince: "2030-01-01T09:00:00.000Z",
    });
    expect(patchBody(readLinkForm({ url: "x", removePassword: "on", password: "p" }), "UTC").password).toBeNull();
    expect(patchBody(readLinkForm({ url: "x", password: "new" }), "UTC").password).toBe("new");
  });

  it("sends the preview card's fields as one card, blanks as null, and no card when all three are empty", () => {
    const card = { previewTitle: " Launch ", previewDescription: "", previewImage: "https://img.example/c.png" };
    const expected = { title: "Launch", description: null, image: "https://img.example/c.png" };
    expect(createBody(readLinkForm({ url: "u", ...card }), "UTC").preview).toEqual(expected);
    expect(patchBody(readLinkForm({ url: "u", ...card }), "UTC").preview).toEqual(expected);
    expect("preview" in createBody(readLinkForm({ url: "u" }), "UTC")).toBe(false);
    expect(patchBody(readLinkForm({ url: "u", previewTitle: "  " }), "UTC").preview).toBeNull();
    // The card's errors sit beside their own fields.
    const errors = formErrors(
      { type: "t", title: "t", status: 400, detail: "see errors", errors: [{ path: "preview.image", message: "must be an https URL" }, { path: "preview", message: "bad card" }] },
      linkFields,
    );
    expect(errors).toMatchObject({ "preview.image": "must be an https URL", preview: "bad card" });
  });

  it("passes values it cannot convert through as typed, for the API to explain", () => {
    expect(createBody(readLinkForm({ url: "u", maxClicks: "1.5", expiresAt: "soon" }), "UTC")).toMatchObject({ maxClicks: "1.5", expiresAt: "soon" });
  });

  it("puts each API error beside its field, and the rest in the form's message", () => {
    const errors = formErrors(
      { type: "t", title: "Bad Request", status: 400, detail: "The request is not valid: see errors.", errors: [
        { path: "url", message: "must be http or https" }, { path: "tags.1", message: "too long" }, { path: "(root)", message: "unknown field" },
      ] },
      ["url", "tags"],
    );
    expect(errors).toEqual({ url: "must be http or https", tags: "too long", "": "The request is not valid: see errors. unknown field" });
    const mapped = formErrors({ type: "t", title: "t", status: 400, detail: "see errors", errors: [{ path: "url", message: "bad" }] }, ["url"]);
    expect(mapped[""]).toBe("Check the fields marked below.");
  });
});
