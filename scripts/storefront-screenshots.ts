// `npm run screenshots`: the two storefront pictures in the README (docs/), taken from the real
// build in headless Chromium: the home page at 1280 px and a cart at 375 px.
import * as fs from "node:fs";
import * as path from "node:path";
import { launchChromium } from "../testing/chromium";
import { startFakeShop } from "../testing/fake-shop";

async function main() {
  const docs = path.join(__dirname, "..", "docs");
  fs.mkdirSync(docs, { recursive: true });
  const [browser, shop] = await Promise.all([launchChromium(), startFakeShop()]);
  try {
    const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await desktop.goto(shop.siteUrl);
    await desktop.getByRole("link", { name: "Classic Crew Tee, Black" }).waitFor();
    await desktop.waitForLoadState("networkidle");
    await desktop.screenshot({ path: path.join(docs, "storefront-home-1280.png") });
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
    for (const sku of ["APP-HOOD-ZIP-GRY", "HOM-CNDL-CDR-8OZ"]) {
      await phone.goto(`${shop.siteUrl}/product/${sku}`);
      await phone.getByRole("button", { name: "Add to cart" }).click();
    }
    await phone.getByRole("link", { name: /^Cart/ }).click();
    await phone.getByRole("button", { name: "Checkout" }).waitFor();
    await phone.screenshot({ path: path.join(docs, "storefront-cart-375.png") });
  } finally {
    await browser.close();
    await shop.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
