import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Product } from "../../handlers/shared/product";
import { editDistance, searchProducts } from "../../site/src/search";

const catalog: Product[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "..", "catalog", "products.json"), "utf8"),
).map((p: any) => ({
  description: "",
  image: `/images/${p.sku}.svg`,
  stock: 1,
  ...p,
}));
const names = (query: string) => searchProducts(catalog, query).map((p) => p.name);

describe("storefront search", () => {
  it("edit distance counts insertions, deletions, substitutions and swaps, and stops past the bound", () => {
    assert.equal(editDistance("hoodie", "hoodie", 1), 0);
    assert.equal(editDistance("hodie", "hoodie", 1), 1);
    assert.equal(editDistance("hoodei", "hoodie", 1), 1, "adjacent transposition is one edit");
    assert.equal(editDistance("sneeker", "sneaker", 1), 1);
    assert.equal(editDistance("abc", "xyz", 1), 2, "reported as bound + 1");
  });

  it("finds products by a word of the name, the category or the description, with small typos", () => {
    assert.ok(names("hodie").includes("Zip Hoodie, Heather Grey"));
    assert.ok(names("candel").some((n) => n.includes("Candle")));
    assert.ok(names("footwear").length >= 3, "category word");
    assert.ok(names("FOOTWEAR").length >= 3, "case does not matter");
    const withDescription = [{ ...catalog[0], description: "Organic cotton, pre-shrunk" }];
    assert.equal(searchProducts(withDescription, "organik").length, 1, "description word with a typo");
  });

  it("every word must match; a short word must match exactly or as a prefix; nothing for blank", () => {
    assert.deepEqual(names("hoodie candle"), []);
    assert.ok(
      names("tee").every((n) => /tee/i.test(n)),
      "3 letters: no typo allowed",
    );
    assert.ok(
      names("sne").some((n) => n.includes("Sneaker")),
      "prefix",
    );
    assert.deepEqual(names("   "), []);
  });

  it("name matches rank above description or category matches", () => {
    const products = [
      { ...catalog[0], sku: "AAA-1", name: "Blue Mug", description: "a lamp-shaped mug", category: "kitchen" },
      { ...catalog[0], sku: "AAA-2", name: "Desk Lamp", description: "bright", category: "home" },
    ];
    assert.deepEqual(
      searchProducts(products, "lamp").map((p) => p.sku),
      ["AAA-2", "AAA-1"],
    );
  });
});
