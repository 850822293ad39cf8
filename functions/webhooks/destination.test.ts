import { describe, expect, it } from "vitest";
import { destinationProblem } from "./destination.ts";

describe("webhook destinations in production", () => {
  it.each(["https://hooks.example.com/x", "https://203.0.113.1.nip.io/", "https://8.8.8.8/", "https://[2606:4700::1111]/", "https://api.slack.com/services/x"])(
    "admits %s", (url) => expect(destinationProblem(url, "false")).toBeNull(),
  );
  it.each([
    "http://hooks.example.com/", "https://localhost/", "https://127.0.0.1/", "https://10.1.2.3/", "https://172.16.0.1/", "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/", "https://0.0.0.0/", "https://[::1]/", "https://[fd00::1]/", "https://[fe80::1]/",
    "https://[::ffff:10.0.0.1]/", "https://intranet/", "https://printer.local/", "https://db.internal/", "https://x.home.arpa/",
    "https://u:p@hooks.example.com/", "ftp://hooks.example.com/", "not a url", "https://224.0.0.1/",
    // What slipped past before the host was normalised and every special-purpose range classified (issue 27).
    "https://localhost.:9471/", "https://foo.localhost./", "https://metadata.google.internal./", "https://db.internal./", "https://intranet./",
    "https://printer.local./", "https://[::ffff:0:127.0.0.1]/", "https://[2002:7f00:1::]/", "https://[fec0::1]/",
    "https://2130706433/", "https://0x7f.1/", "https://0177.0.0.1/",
  ])("refuses %s", (url) => expect(destinationProblem(url, "false")).not.toBeNull());

  it("admits loopback receivers only when the development setting says so", () => {
    expect(destinationProblem("http://127.0.0.1:8080/h", "true")).toBeNull();
    expect(destinationProblem("http://localhost:8080/h", "true")).toBeNull();
    expect(destinationProblem("http://localhost.:8080/h", "true")).toBeNull();
    expect(destinationProblem("https://hooks.example.com/", "true")).toBeNull();
    expect(destinationProblem("http://127.0.0.1:8080/h", "only")).toBeNull();
    expect(destinationProblem("https://hooks.example.com/", "only")).not.toBeNull();
    expect(destinationProblem("http://10.0.0.1/", "true")).not.toBeNull();
    expect(destinationProblem("https://localhost.:9471/", "true")).toBeNull();
    expect(destinationProblem("https://foo.localhost./", "true")).not.toBeNull();
  });
});
