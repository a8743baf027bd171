// Every product's picture ships with the site (site/images/<sku>.svg): present, small,
// self-contained (nothing fetched from elsewhere, no script), named for assistive technology,
// and distinct from every other product's.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import catalog from "../../../catalog/products.json";
import { repoRoot } from "../../../components/lib/bundle";
import { productSchema } from "../../../handlers/shared/product";

const imagesDir = path.join(repoRoot, "site", "images");
/** Simple flat drawings: a few KB each keeps a category page light. */
const maxImageBytes = 8 * 1024;
const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

describe("catalog: product images", () => {
  it("catalog/products.json matches the product contract (description, /images/<sku>.svg, stock)", () => {
    for (const product of catalog) productSchema.parse(product);
  });

  for (const product of catalog) {
    it(`${product.sku}: ${product.image} is a small, self-contained SVG titled with the product's name`, () => {
      const file = path.join(repoRoot, "site", product.image);
      assert.ok(fs.existsSync(file), `missing ${file}`);
      const svg = fs.readFileSync(file, "utf8");
      assert.ok(Buffer.byteLength(svg) <= maxImageBytes, `${Buffer.byteLength(svg)} bytes`);
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 400 400"[^>]* role="img"/);
      assert.ok(
        svg.includes(`<title id="title-${product.sku}">${escapeXml(product.name)}</title>`),
        "titled with the product's name",
      );
      assert.doesNotMatch(
        svg,
        /<script|<image|<foreignObject|href=|url\((?!#)|@import/i,
        "no script and nothing loaded from elsewhere",
      );
      assert.equal((svg.match(/<svg/g) ?? []).length, (svg.match(/<\/svg>/g) ?? []).length);
    });
  }

  it("every picture is different, and there is none for a product the catalog does not have", () => {
    const files = fs
      .readdirSync(imagesDir)
      .filter((f) => f.endsWith(".svg"))
      .sort();
    assert.deepEqual(files, catalog.map((p) => `${p.sku}.svg`).sort());
    // The drawing, without the per-sku ids and title: no two products share one.
    const drawings = files.map((f) =>
      fs
        .readFileSync(path.join(imagesDir, f), "utf8")
        .replace(/<title[^>]*>.*?<\/title>/, "")
        .replace(/(bg|title)-[A-Z0-9-]+/g, ""),
    );
    assert.equal(new Set(drawings).size, files.length);
  });
});
