// The storefront against local mode (`npm start`'s platform, started here on free ports): the
// build local mode serves, sign-in through cognito-local's hosted UI with the real app client,
// and the tracker's events landing in the local data lake through the real gateway, stream and
// processor — anonymous before sign-in.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { startLocal, type LocalPlatform } from "../../local/platform";
import { launchChromium, requireChromium } from "./support/chromium";
import { waitFor } from "./support/wait";

async function lakeEvents(local: LocalPlatform): Promise<any[]> {
  const events: any[] = [];
  for (const key of await local.lake.keys()) {
    if (key.includes("quarantine") || key.includes("errors")) continue;
    let body = await local.lake.read(key);
    if (body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
    for (const line of body.toString().split("\n")) if (line.trim().startsWith("{")) events.push(JSON.parse(line));
  }
  return events;
}

describe("storefront in Chromium against local mode", function () {
  requireChromium(this);
  let browser: Browser;
  let local: LocalPlatform;
  let stateDir: string;

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "storefront-local-"));
    [browser, local] = await Promise.all([launchChromium(), startLocal({ port: 0, stateDir, reset: true })]);
  });
  after(async () => {
    await browser?.close();
    await local?.stop();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("serves the build, signs the demo shopper in through cognito-local, and the visit's events reach the lake without a user id", async () => {
    const page = await browser.newPage();
    // The session continues across sign-in, so what was sent anonymously is told apart by eventId.
    const anonymousEventIds = new Set<string>();
    // Only what went to the anonymous route (sent before sign-in, or on the redirect to it).
    page.on("request", (r) => {
      if (r.url().endsWith("/events") && r.method() === "POST") for (const e of JSON.parse(r.postData() ?? "{}").events ?? []) anonymousEventIds.add(e.eventId);
    });
    await page.goto(local.urls.storefront);
    assert.match(await page.content(), /\/assets\/main-[A-Z0-9]{8}\.js/);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByLabel(/Username/).fill(local.users.shopper.email);
    await page.getByLabel(/Password/).fill(local.users.shopper.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByText(`Signed in as ${local.users.shopper.email}`).waitFor();
    assert.equal(new URL(page.url()).search, "", "the code and state are gone from the address bar");
    await waitFor(() => anonymousEventIds.size > 0, 15_000, "the anonymous page view sent");
    let found: any[] = [];
    await waitFor(async () => {
      found = (await lakeEvents(local)).filter((e) => anonymousEventIds.has(e.eventId));
      return found.some((e) => e.eventType === "page_view");
    }, 60_000, "the page view in the lake");
    assert.ok(found.every((e) => e.userId === undefined), "the events before sign-in have no user id");
    await page.close();
  });
});
