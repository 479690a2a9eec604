import { createHmac, timingSafeEqual } from "node:crypto";
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Page, expect, test } from "@playwright/test";
import { LoginPage } from "./pages/login-page";

// Settings → Webhooks, end to end: a real receiver on 127.0.0.1 (plain http is accepted for
// localhost only), a secret copied from the one-time reveal, and a test event whose signature the
// receiver checks with the algorithm the README documents. "Send test event" attempts the
// delivery at once; the server's 10-second delivery loop would also send it.

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny webhook receiver that answers 204 and records what it was sent. */
async function startReceiver() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The README's verification, independent of Gatehouse's code. */
function verifiesWith(secret: string, header: string, rawBody: string, toleranceSeconds = 300) {
  const fields = Object.fromEntries(header.split(",").map((part) => part.split("=", 2)));
  const t = Number(fields.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.`).update(rawBody).digest();
  const given = Buffer.from(fields.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

class WebhooksSection {
  constructor(readonly page: Page) {}

  endpoints() {
    return this.page.getByRole("table", { name: "Webhook endpoints" });
  }

  deliveries() {
    return this.page.getByRole("table", { name: "Webhook deliveries" });
  }

  /** Adds an endpoint and returns its signing secret, as the Copy button puts it on the clipboard. */
  async addEndpoint(url: string, description: string): Promise<string> {
    await this.page.goto("/settings");
    await this.page.getByRole("button", { name: "Add endpoint" }).click();
    const dialog = this.page.getByRole("dialog", { name: "Add webhook endpoint" });
    await dialog.getByLabel("URL", { exact: true }).fill(url);
    await dialog.getByLabel("Description", { exact: true }).fill(description);
    await expect(dialog.getByRole("checkbox", { name: /Budget threshold crossed/ })).toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: /Forecast over budget/ })).toBeChecked();
    await dialog.getByRole("button", { name: "Add endpoint" }).click();

    const reveal = this.page.getByRole("dialog", { name: "Copy the signing secret now" });
    const shown = await reveal.getByLabel("Signing secret", { exact: true }).inputValue();
    expect(shown).toMatch(/^ghw_[0-9A-Za-z]{49}$/);
    await reveal.getByRole("button", { name: "Copy" }).click();
    const copied = await this.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(shown);
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(reveal).toBeHidden();
    return copied;
  }

  endpointRow(url: string) {
    return this.endpoints().getByRole("row").filter({ hasText: url });
  }
}

test("an admin adds a webhook endpoint, sends a test event, and the receiver verifies its signature", async ({
  page,
}) => {
  const receiver = await startReceiver();
  try {
    await new LoginPage(page).signIn();
    const webhooks = new WebhooksSection(page);
    const path = `/hooks/${Date.now()}`;
    const url = receiver.url(path);

    // Plain http to another host is refused, with the reason at the field.
    await page.goto("/settings");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const form = page.getByRole("dialog", { name: "Add webhook endpoint" });
    await form.getByLabel("URL", { exact: true }).fill("http://hooks.example.com/in");
    await form.getByRole("button", { name: "Add endpoint" }).click();
    await expect(form.getByText(/Use https:\/\//)).toBeVisible();
    await page.keyboard.press("Escape");

    const secret = await webhooks.addEndpoint(url, "e2e receiver");
    const row = webhooks.endpointRow(url);
    await expect(row).toContainText("e2e receiver");
    await expect(row).toContainText(`ghw_…${secret.slice(-4)}`);
    await expect(row).toContainText("Active");
    // The list never shows the secret itself.
    await expect(page.getByText(secret)).toHaveCount(0);

    await page.getByRole("button", { name: `Send test event to ${url}` }).click();
    await expect
      .poll(() => receiver.received.filter((r) => r.path === path).length, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const [request] = receiver.received.filter((r) => r.path === path);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["gatehouse-event"]).toBe("webhook.test");
    const signature = String(request!.headers["gatehouse-signature"]);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifiesWith(secret, signature, request!.body)).toBe(true);
    expect(verifiesWith(`${secret}x`, signature, request!.body)).toBe(false);
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({ type: "webhook.test", id: request!.headers["idempotency-key"] });

    // The delivery log shows it delivered, under the delivery id the receiver got.
    const delivery = webhooks
      .deliveries()
      .getByRole("row")
      .filter({ hasText: url })
      .filter({ hasText: "Test event" });
    await expect(delivery).toHaveCount(1, { timeout: 20_000 });
    await expect(delivery).toContainText("Delivered", { timeout: 20_000 });
    await expect(delivery).toContainText("HTTP 204");

    // Disabled, it offers no test; deleted, it is gone with its log.
    await page.getByRole("button", { name: `Disable ${url}` }).click();
    await expect(row).toContainText("Disabled");
    await expect(page.getByRole("button", { name: `Send test event to ${url}` })).toHaveCount(0);
    await page.getByRole("button", { name: `Delete ${url}` }).click();
    await page
      .getByRole("dialog", { name: "Delete this endpoint?" })
      .getByRole("button", { name: "Delete endpoint" })
      .click();
    await expect(row).toHaveCount(0);
    await expect(webhooks.deliveries().getByRole("row").filter({ hasText: url })).toHaveCount(0);
  } finally {
    await receiver.close();
  }
});
