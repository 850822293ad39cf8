import { describe, expect, it } from "vitest";
import { publicHostProblem } from "./public-host.ts";

const problem = (url: string) => publicHostProblem(new URL(url));

describe("the public-host rule", () => {
  it.each([
    "https://hooks.example.com/x", "https://api.slack.com/services/x", "https://xn--bcher-kva.example.net/", "https://bücher.example.org/",
    "https://hooks.example.com./", "https://8.8.8.8/", "https://[2606:4700::1111]/", "https://[2a00:1450:4001::200e]/",
    // Carriers of a public IPv4 address are judged by it.
    "https://[::ffff:8.8.8.8]/", "https://[2002:808:808::1]/", "https://[64:ff9b::8.8.8.8]/",
    // A name that resolves to a private address cannot be told from its text (docs/webhooks.md, "Destinations").
    "https://127.0.0.1.nip.io/",
  ])("admits %s", (url) => expect(problem(url)).toBeNull());

  it.each([
    // Trailing dots, any number, and the separators IDNA maps to a dot.
    "https://localhost.:9471/", "https://localhost../", "https://foo.localhost./", "https://metadata.google.internal./",
    "https://db.internal./", "https://intranet./", "https://printer.local./", "https://ｌｏｃａｌｈｏｓｔ/", "https://localhost%2e/",
    "https://localhost。/", "https://intranet/", "https://printer.local/", "https://db.internal/",
    // Special-use and private-network names.
    "https://x.home.arpa/", "https://ipv4only.arpa/", "https://1.0.0.127.in-addr.arpa/", "https://a.test/", "https://a.invalid/",
    "https://a.example/", "https://abc.onion/", "https://a.alt/", "https://nas.lan/", "https://pc.home/", "https://dc.corp/", "https://a.localdomain/",
    // IPv4 in every form the URL parser accepts: it writes each as a dotted quad.
    "https://127.0.0.1/", "https://127.0.0.1./", "https://2130706433/", "https://0x7f000001/", "https://0x7f.1/", "https://0177.0.0.1/",
    "https://127.1/", "https://%31%32%37.0.0.1/", "https://017700000001/",
    "https://10.1.2.3/", "https://172.16.0.1/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/",
    "https://0.0.0.0/", "https://224.0.0.1/", "https://255.255.255.255/", "https://240.0.0.1/", "https://192.0.0.8/", "https://192.0.2.1/",
    "https://198.18.0.1/", "https://198.51.100.1/", "https://203.0.113.1/", "https://192.88.99.1/", "https://192.31.196.1/",
    "https://192.52.193.1/", "https://192.175.48.1/",
    // IPv6 special-purpose ranges, and IPv4 carried inside IPv6.
    "https://[::1]/", "https://[::]/", "https://[fd00::1]/", "https://[fe80::1]/", "https://[fec0::1]/", "https://[ff02::1]/",
    "https://[100::1]/", "https://[2001:db8::1]/", "https://[2001::1]/", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "https://[2001:2::1]/", "https://[2001:20::1]/", "https://[3fff::1]/", "https://[5f00::1]/", "https://[64:ff9b:1::1]/",
    "https://[::ffff:10.0.0.1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:0:127.0.0.1]/", "https://[2002:7f00:1::]/",
    "https://[2002:a00:1::]/", "https://[64:ff9b::127.0.0.1]/", "https://[::127.0.0.1]/", "https://[::8.8.8.8]/",
  ])("refuses %s", (url) => expect(problem(url)).not.toBeNull());

  it("says which range an address is in", () => {
    expect(problem("https://[2002:7f00:1::]/")).toMatch(/6to4 carrying 127\.0\.0\.1, loopback/);
    expect(problem("https://2130706433/")).toMatch(/127\.0\.0\.1 is in a special-purpose range \(loopback\)/);
    expect(problem("https://[fec0::1]/")).toMatch(/deprecatedSiteLocal/);
  });
});
