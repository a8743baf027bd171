// Debian's Chromium driven by playwright-core (no browser download). Without Chromium the
// browser suites are skipped with how to install it, except under CI, where they must run.
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

declare const window: any, document: any; // in page.evaluate callbacks, which run in the page

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const artifactsDir = path.join(__dirname, "..", "test-artifacts", "browser");

/** Chromium quiet and offline: nothing but the pages under test leaves the machine (all loopback). */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Every new window (Playwright opens one per page) otherwise preloads the omnibox's WebUI popup
  // (chrome://omnibox-popup.top-chrome/, a Lit app in a renderer of its own) that a headless
  // browser never shows: about 1 s of CPU per new page here, three quarters of what a page costs.
  "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup",
];

/** Call at the top of a browser suite: skips it (or, under CI, fails it) when Chromium is missing. */
export function requireChromium(suite: Mocha.Suite): void {
  suite.beforeAll(function () {
    if (fs.existsSync(chromiumPath)) return;
    const howTo = `Chromium not found at ${chromiumPath}: install it with \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH) to run the browser tests`;
    if (process.env.CI) throw new Error(`${howTo}; under CI they must run`);
    console.warn(`      ${howTo}.`);
    this.skip();
  });
}

/** A fresh browser: Playwright gives each launch a new temporary profile (--user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

let shared: Promise<Browser> | undefined;

/**
 * This process's Chromium, launched once and shared by the browser suites a mocha worker runs
 * one after the other (a launch costs about a second of CPU). Each suite works in browser
 * contexts of its own (fresh cookies, storage and cache: Playwright's unit of isolation) and
 * ends with `closeContexts`; Playwright ends the browser when the process exits.
 */
export function sharedChromium(): Promise<Browser> {
  if (!shared) {
    const launching = launchChromium();
    shared = launching;
    launching.then(
      (browser) => browser.on("disconnected", () => shared === launching && (shared = undefined)),
      () => shared === launching && (shared = undefined),
    );
  }
  return shared;
}

/** Closes every context open in `browser`: the end of a suite, so that nothing of it reaches the next. */
export async function closeContexts(browser: Browser | undefined): Promise<void> {
  await Promise.all((browser?.contexts() ?? []).map((context) => context.close()));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

/** Runs axe-core in the page against WCAG 2.0/2.1 A and AA; returns the violations. */
export async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: string[] }[]> {
  // Once per document: the shop's pages are one document, its routes change it in place.
  if (!(await page.evaluate(() => "axe" in window)))
    await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  return page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      // Every rule still runs; only the violations are gathered into the result (not the passes).
      resultTypes: ["violations"],
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n: any) => n.target.join(" ")),
    }));
  });
}
