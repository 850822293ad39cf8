/** Which destinations are short links of this deployment: the paths the Worker answers with a redirect. */
import { describe, expect, it } from "vitest";
import { isRedirectPath, pointsAtShortLink } from "./served-hosts.ts";

describe("isRedirectPath", () => {
  it.each([
    ["/", true], ["/abc", true], ["/aZ3_-9", true], ["/not-yet-a-link", true], [`/${"a".repeat(64)}`, true],
    // The router decodes before matching: these are /loop and /lo-op.
    ["/%6Coop", true], ["/lo%2Dop", true],
    // Fixed routes and reserved words never name a link.
    ["/app", false], ["/docs", false], ["/healthz", false], ["/API", false], ["/_next", false],
    // More than one segment, a trailing slash, a dot, an encoded slash, an invalid sequence, too long.
    ["/app/links", false], ["/a/b", false], ["/abc/", false], ["/robots.txt", false], ["/a%2Fb", false], ["/%E0%A4%A", false],
    [`/${"a".repeat(65)}`, false], ["//abc", false],
  ])("%s: %s", (path, expected) => {
    expect(isRedirectPath(path)).toBe(expected);
  });
});

describe("pointsAtShortLink", () => {
  const hosts = new Set(["sho.rt", "go.example.com"]);
  it.each([
    ["https://go.example.com/x", true], ["http://GO.EXAMPLE.COM./x?y=1#z", true], ["https://go.example.com:8443/", true],
    ["https://go.example.com/app/links", false], ["https://other.example.com/x", false], ["https://example.com/x", false],
    ["https://sho.rt/%78", true], ["https://sub.go.example.com/x", false],
  ])("%s: %s", (url, expected) => {
    expect(pointsAtShortLink(hosts, url)).toBe(expected);
  });
});
