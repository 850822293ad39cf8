/**
 * Webhooks in the browser: an admin creates a webhook pointed at a real receiver on a loopback port (its
 * secret shown once), sends a test event, and sees it delivered in the log; the receiver verifies it with
 * the `standardwebhooks` package and the secret the page showed.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { startReceiver, type Receiver } from "../helpers/webhook-receiver.ts";
import { launchBrowser, screenshot, signIn, startWorker, type BrowserSession } from "./harness.ts";

let worker: WorkerServer;
let browser: BrowserSession;
let receiver: Receiver;

beforeAll(async () => {
  [worker, browser, receiver] = await Promise.all([startWorker(), launchBrowser(), startReceiver()]);
});

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
  await receiver?.close();
});

describe("webhooks page", () => {
  it("creates a webhook (secret shown once), sends a test event, and shows it delivered in the log", async () => {
    const page = await browser.newPage();
    await signIn(page, worker.url);
    await page.getByRole("link", { name: "Webhooks" }).click();

    // The API's refusal, beside the field: not a receiver this deployment may call.
    await page.getByLabel("URL").fill("https://10.0.0.1/hook");
    await page.getByRole("button", { name: "Create webhook" }).click();
    await expect.poll(() => page.locator("#f-url-error").isVisible()).toBe(true);

    await page.getByLabel("URL").fill(receiver.url);
    await page.getByLabel("clicks", { exact: true }).uncheck();
    await page.getByRole("button", { name: "Create webhook" }).click();
    const secret = await page.locator("#webhook-secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets.push(secret);
    const row = page.locator("tbody tr", { hasText: receiver.url });
    expect(await row.locator("td", { hasText: "link.created, link.updated, link.deleted" }).count()).toBe(1);
    await page.goto(`${worker.url}/app/webhooks`);
    expect(await page.content()).not.toContain(secret); // shown once

    await page.locator("tbody tr", { hasText: receiver.url }).getByRole("button", { name: "Send test" }).click();
    await page.waitForURL(/\/app\/webhooks\/[0-9a-f-]+\?done=webhook-test-sent/);
    const delivery = page.locator("#deliveries tbody tr", { hasText: "ping" });
    await expect.poll(async () => {
      await page.reload();
      return delivery.locator(".delivery-status").textContent();
    }, { timeout: 15_000 }).toBe("succeeded");
    expect(await delivery.locator("td[data-label=Attempts]").textContent()).toBe("1");
    expect(await delivery.locator("td[data-label='Last answer']").textContent()).toBe("200");
    await screenshot(page, "webhooks");

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].verified).toMatchObject({ type: "ping" });
    expect(receiver.received[0].id).toBe(await delivery.getAttribute("data-delivery"));

    // Rotation: the new secret shown once; a test event then verifies with it (and, for 24 h, the old one).
    await page.getByRole("button", { name: "Rotate secret" }).click();
    const rotated = await page.locator("#webhook-secret").inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(2);
    expect(new Webhook(rotated).verify(receiver.received[1].body, receiver.received[1].headers)).toMatchObject({ type: "ping" });
    expect(browser.problems).toEqual([]);
  });
});
