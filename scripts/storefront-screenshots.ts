// `npm run screenshots`: the two storefront pictures in the README (docs/), taken in headless
// Chromium from real local mode (the platform `npm start` runs, on free ports, with a fresh
// state directory): the home page at 1280 px, and at 375 px the cart of a signed-in shopper.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocal } from "../local/platform";
import { launchChromium } from "../testing/chromium";

async function main() {
  const docs = path.join(__dirname, "..", "docs");
  fs.mkdirSync(docs, { recursive: true });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "storefront-screenshots-"));
  const [browser, local] = await Promise.all([launchChromium(), startLocal({ port: 0, stateDir, reset: true })]);
  try {
    const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await desktop.goto(local.urls.storefront);
    await desktop.getByRole("link", { name: "Classic Crew Tee, Black" }).waitFor();
    await desktop.waitForLoadState("networkidle");
    await desktop.screenshot({ path: path.join(docs, "storefront-home-1280.png") });

    const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
    await phone.goto(local.urls.storefront);
    await phone.getByRole("button", { name: "Sign in", exact: true }).click();
    await phone.getByLabel(/Username/).fill(local.users.shopper.email);
    await phone.getByLabel(/Password/).fill(local.users.shopper.password);
    await phone.getByRole("button", { name: "Sign in", exact: true }).click();
    await phone.getByRole("button", { name: "Sign out", exact: true }).waitFor();
    for (const sku of ["APP-HOOD-ZIP-GRY", "HOM-CNDL-CDR-8OZ"]) {
      await phone.goto(`${local.urls.storefront}/product/${sku}`);
      await phone.getByRole("button", { name: "Add to cart" }).click();
    }
    await phone.getByRole("link", { name: /^Cart/ }).click();
    await phone.getByRole("button", { name: "Checkout" }).waitFor();
    await phone.waitForLoadState("networkidle");
    // The whole page: the lines, the total and the Checkout button.
    await phone.screenshot({ path: path.join(docs, "storefront-cart-375.png"), fullPage: true });
  } finally {
    await browser.close();
    await local.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
