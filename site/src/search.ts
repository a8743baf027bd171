// Catalog search over name, category and description that forgives small typos: each word of
// the query must match a word of the product exactly, as a prefix, or within a small edit
// distance (1 for words of 4-7 letters, 2 from 8), so "hoddie" finds "Hoodie".
// The shared product type, not ./api's re-export: the program's type check (Node, no DOM) reads this file for its tests.
import type { Product } from "../../handlers/shared/product";

const words = (text: string) =>
  text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0][j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, rows[i - 2][j - 2] + 1);
      rows[i][j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (i > 0 && rowMin > max) return max + 1;
  }
  return rows[a.length][b.length];
}

const allowedTypos = (word: string) => (word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0);

/** 3 exact, 2 prefix, 1 typo, 0 no match. */
function wordScore(query: string, candidates: string[]): number {
  let best = 0;
  for (const word of candidates) {
    if (word === query) return 3;
    if (word.startsWith(query) && query.length >= 2) best = Math.max(best, 2);
    else if (best < 1 && editDistance(query, word, allowedTypos(query)) <= allowedTypos(query)) best = 1;
  }
  return best;
}

/** Products matching every word of `query`, best first (name matches weigh most). */
export function searchProducts(products: Product[], query: string): Product[] {
  const terms = words(query);
  if (terms.length === 0) return [];
  const scored: { product: Product; score: number }[] = [];
  for (const product of products) {
    const name = words(product.name);
    const other = [...words(product.category), ...words(product.description ?? "")];
    let score = 0;
    let matchedAll = true;
    for (const term of terms) {
      const inName = wordScore(term, name);
      const inOther = inName === 3 ? 0 : wordScore(term, other);
      if (inName === 0 && inOther === 0) {
        matchedAll = false;
        break;
      }
      score += inName * 2 + inOther;
    }
    if (matchedAll) scored.push({ product, score });
  }
  return scored.sort((a, b) => b.score - a.score || a.product.name.localeCompare(b.product.name)).map((s) => s.product);
}
