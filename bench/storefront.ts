// The storefront as a visitor gets it: JavaScript and CSS bytes on first load (gzip, as
// CloudFront compresses them), time until the first product list shows in headless Chromium,
// and a Lighthouse run (performance and accessibility scores) against the same Chromium.
// The site is the real build (components/site-build.ts); the backend is the browser tests'
// stand-in on loopback, so the figures measure the site, not a network.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { buildSite } from "../components/site-build";
import { chromiumArgs, chromiumPath, launchChromium } from "../testing/chromium";
import { startFakeShop } from "../testing/fake-shop";
import { type BenchRow, formatNumber, formatTiming, printTable, timing } from "./table";

const runs = 7;

async function firstLoadBytes(): Promise<BenchRow[]> {
  const files = await buildSite();
  const html = files.find((f) => f.key === "index.html")!.body.toString();
  const loaded = files.filter((f) => html.includes(`/${f.key}"`));
  const gz = (ext: string) =>
    loaded.filter((f) => f.key.endsWith(ext)).reduce((sum, f) => sum + gzipSync(f.body, { level: 9 }).length, 0);
  const raw = (ext: string) => loaded.filter((f) => f.key.endsWith(ext)).reduce((sum, f) => sum + f.body.length, 0);
  return [
    {
      name: "storefront: JS on first load (gzip)",
      value: `${formatNumber(gz(".js"))} B`,
      reference: `${formatNumber(raw(".js"))} B minified`,
      kind: "stable",
    },
    {
      name: "storefront: CSS on first load (gzip)",
      value: `${formatNumber(gz(".css"))} B`,
      reference: `${formatNumber(raw(".css"))} B minified`,
      kind: "stable",
    },
  ];
}

async function timeToFirstProducts(siteUrl: string): Promise<BenchRow[]> {
  const browser = await launchChromium();
  const samples: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(); // cold cache every run
      const page = await context.newPage();
      await page.goto(siteUrl, { waitUntil: "commit" });
      await page.locator(".grid .card a").first().waitFor();
      samples.push(await page.evaluate(() => performance.now()));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return [
    {
      name: "storefront: navigation to first product list",
      value: formatTiming(timing(samples), "ms", 0),
      reference: `${runs} cold loads, headless Chromium, loopback`,
      kind: "noisy",
    },
    {
      name: "storefront: navigation to first product list, max",
      value: `${formatNumber(Math.max(...samples))} ms`,
      kind: "noisy",
    },
  ];
}

async function lighthouse(siteUrl: string): Promise<BenchRow[]> {
  const cli = require.resolve("lighthouse/cli/index.js");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "lighthouse-"));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        cli,
        siteUrl,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--only-categories=performance,accessibility",
        "--form-factor=mobile",
        `--chrome-flags=${[...chromiumArgs, `--user-data-dir=${profile}`].join(" ")}`,
      ],
      { env: { ...process.env, CHROME_PATH: chromiumPath }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
    );
    const report = JSON.parse(stdout);
    const score = (id: string) => Math.round(report.categories[id].score * 100);
    const audit = (id: string) => report.audits[id]?.displayValue ?? "";
    return [
      {
        name: "storefront: Lighthouse performance",
        value: `${score("performance")} / 100`,
        reference: `mobile, simulated throttling; LCP ${audit("largest-contentful-paint")}, TBT ${audit("total-blocking-time")}`,
        kind: "noisy",
      },
      { name: "storefront: Lighthouse accessibility", value: `${score("accessibility")} / 100`, kind: "stable" },
    ];
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

export const benchmark = {
  title: "Storefront (site build, headless Chromium, Lighthouse 12.2.3)",
  async run(): Promise<BenchRow[]> {
    const rows = await firstLoadBytes();
    if (!fs.existsSync(chromiumPath))
      return [
        ...rows,
        {
          name: "storefront: browser figures",
          value: "skipped",
          reference: `no Chromium at ${chromiumPath} (apt-get install chromium)`,
        },
      ];
    const shop = await startFakeShop();
    try {
      rows.push(...(await timeToFirstProducts(shop.siteUrl)));
      rows.push(...(await lighthouse(shop.siteUrl)));
    } finally {
      await shop.stop();
    }
    return rows;
  },
};

if (require.main === module) {
  benchmark.run().then((rows) => printTable(benchmark.title, rows));
}
