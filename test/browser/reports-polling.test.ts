// The Store reports page while a report is being prepared: it asks again when the API's 202
// says (Retry-After), not after a fixed 5 s; without a Retry-After it waits 5 s; after two
// minutes of "being prepared" it stops, says so, and asks again when the admin wants. The API's
// answers are scripted (Playwright routes, shaped as the reports API sends them) and the page's
// clock is Playwright's, paused and moved on by the test: no test waits for real seconds.
import { strict as assert } from "node:assert";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { closeContexts, requireChromium, screenshot, sharedChromium } from "../../testing/chromium";
import { startFakeShop, type FakeShop } from "../../testing/fake-shop";
import { waitFor } from "../../testing/wait";

/** The page's wait when a 202 carries no Retry-After. */
const defaultAskAgainSeconds = 5;

type Answer = { running: true; retryAfter?: string } | { running: false };

describe("storefront in Chromium: the Store reports page asks again when the API says", function () {
  requireChromium(this);
  let browser: Browser;
  let shop: FakeShop;
  let context: BrowserContext;
  let page: Page;
  /** Per report, the answers still to give (the last one repeats), how many requests it got, and what an answer waits for. */
  let script: Record<string, { answers: Answer[]; requests: number; gate?: Promise<void> }>;

  const reportBody = (query: string) => ({
    query,
    since: "2026-11-29",
    state: "ready",
    computedAt: "2026-11-30T18:00:01.000Z",
    refreshing: false,
    ...(query === "funnel"
      ? {
          columns: ["step", "event_type", "sessions", "rate_from_previous", "rate_from_first"],
          rows: [{ step: 1, event_type: "product_view", sessions: 3, rate_from_previous: null, rate_from_first: 1 }],
        }
      : {
          columns: ["item_id", "views", "adds", "purchases"],
          rows: [{ item_id: "FTW-SLD-RCV-M", views: 2, adds: 1, purchases: 1 }],
        }),
  });

  async function answer(route: Route) {
    const query = decodeURIComponent(new URL(route.request().url()).pathname.split("/").pop() ?? "");
    const entry = script[query];
    entry.requests++;
    const next = entry.answers.length > 1 ? entry.answers.shift()! : entry.answers[0];
    await entry.gate;
    // As the reports API answers: CORS for the storefront, Retry-After readable by its script.
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Access-Control-Allow-Origin": shop.siteUrl,
      "Access-Control-Expose-Headers": "Location, Idempotent-Replayed, Retry-After",
      "Cache-Control": "no-store",
      ...(next.running && next.retryAfter ? { "Retry-After": next.retryAfter } : {}),
    };
    await route.fulfill(
      next.running
        ? { status: 202, headers, body: JSON.stringify({ query, since: "2026-11-29", state: "running" }) }
        : { status: 200, headers, body: JSON.stringify(reportBody(query)) },
    );
  }

  const requests = (query: string) => script[query].requests;
  /** Moves the page's clock on, and gives an ask that became due a moment to reach the route. */
  const advance = async (ms: number) => {
    await page.clock.runFor(ms);
    await new Promise((r) => setTimeout(r, 150));
  };
  /** An ask that is due reaches the route (however slow the machine). */
  const asked = (query: string, times: number, what: string) => waitFor(() => requests(query) === times, 15_000, what);

  /** Signed in as the admin, on the Store reports page with the clock paused: each report asked once. */
  async function openReports() {
    await page.clock.install();
    await page.route(`${shop.apiUrl}/analytics/*`, answer);
    await page.goto(shop.siteUrl);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByLabel("Username").fill(shop.users.admin.email);
    await page.getByLabel("Password").fill(shop.users.admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
    await page.clock.pauseAt(Date.now() + 60_000);
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("link", { name: "Store reports" }).click();
    await page.getByRole("heading", { level: 1, name: "Store reports" }).waitFor();
    await page.clock.runFor(100); // the page's effects run after paint
    await waitFor(() => requests("funnel") === 1 && requests("top-products") === 1, 15_000, "both reports asked for");
    await waitFor(
      async () => (await page.getByText("This report is being prepared").count()) === 2,
      15_000,
      "both reports shown as being prepared",
    );
  }

  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => closeContexts(browser));
  beforeEach(async () => {
    shop = await startFakeShop();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
  });
  afterEach(async () => {
    await context?.close();
    await shop?.stop();
  });

  it("asks again after the 202's Retry-After (1 s, 3 s), not after a fixed 5 s, and shows the answer", async () => {
    script = {
      funnel: { answers: [{ running: true, retryAfter: "1" }, { running: false }], requests: 0 },
      "top-products": { answers: [{ running: true, retryAfter: "3" }, { running: false }], requests: 0 },
    };
    await openReports();
    await advance(800);
    assert.equal(requests("funnel"), 1, "not before Retry-After: 1");
    await advance(400);
    await asked("funnel", 2, "asked again 1 s after the 202");
    await page.getByRole("table", { name: /Sessions reaching each step/ }).waitFor();
    await advance(1500);
    assert.equal(requests("top-products"), 1, "not before Retry-After: 3");
    await advance(700);
    await asked("top-products", 2, "asked again 3 s after the 202");
    await page.getByRole("table", { name: /Most purchased first/ }).waitFor();
    await advance(10_000);
    assert.deepEqual([requests("funnel"), requests("top-products")], [2, 2], "nothing more once ready");
  });

  it(`without a Retry-After it asks again after ${defaultAskAgainSeconds} s; while it waits the report still says it is being prepared`, async () => {
    script = {
      funnel: { answers: [{ running: true }, { running: false }], requests: 0 },
      "top-products": { answers: [{ running: true }, { running: false }], requests: 0 },
    };
    await openReports();
    let open = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    for (const entry of Object.values(script)) entry.gate = gate;
    const preparing = page.getByText("This report is being prepared");
    await advance(defaultAskAgainSeconds * 1000 - 300);
    assert.deepEqual([requests("funnel"), requests("top-products")], [1, 1]);
    await advance(400);
    await asked("funnel", 2, "asked again 5 s after the 202");
    await asked("top-products", 2, "asked again 5 s after the 202");
    // The asks are in flight (their answers held back): the page still says why it waits.
    assert.equal(await preparing.count(), 2);
    assert.equal(await page.getByText("Loading…").count(), 0);
    open();
    await page.getByRole("table", { name: /Sessions reaching each step/ }).waitFor();
    await page.getByRole("table", { name: /Most purchased first/ }).waitFor();
  });

  it("after two minutes of being prepared it stops asking and says so; Ask again asks at once", async () => {
    script = {
      funnel: { answers: [{ running: true, retryAfter: "1" }, { running: false }], requests: 0 },
      "top-products": { answers: [{ running: true, retryAfter: "30" }], requests: 0 },
    };
    await openReports();
    // Asks at 0, 30, 60 and 90 s; asking at 120 s would be more than two minutes after the first.
    // (Each answer's wait starts once the page has painted it: a little after the clock's move.)
    for (let n = 2; n <= 4; n++) {
      await advance(30_500);
      await asked("top-products", n, `ask ${n}`);
    }
    await advance(30_500);
    await page.getByRole("alert").getByText("This report is taking longer than usual to prepare").waitFor();
    await screenshot(page, "reports-taking-long-1280");
    await advance(120_000);
    assert.equal(requests("top-products"), 4, "no more asks once it said so");
    assert.equal(requests("funnel"), 2, "the other report was shown as soon as it was ready");
    await page.getByRole("table", { name: /Sessions reaching each step/ }).waitFor();
    script["top-products"].answers = [{ running: false }];
    await page.getByRole("button", { name: "Ask again" }).click();
    await page.clock.runFor(100);
    await asked("top-products", 5, "asked at once");
    await page.getByRole("table", { name: /Most purchased first/ }).waitFor();
  });
});
