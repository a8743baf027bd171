// The product listing, pure: filter by category, sort by name or price (sku breaks ties, so
// the order is total), and page with a keyset cursor (the last item's sort key), so a page
// never repeats or skips a product when others are added or sold out meanwhile.
import * as z from "../lib/zod";
import {
  type CatalogEntry,
  type ListProductsQuery,
  type Product,
  type ProductPage,
  productSorts,
  sortOrders,
} from "../shared/product";
import { readOpaqueCursor, writeOpaqueCursor } from "../lib/opaque-cursor";
import { badRequest } from "../orders/errors";

const cursorSchema = z.strictObject({
  sort: z.enum(productSorts),
  order: z.enum(sortOrders),
  category: z.optional(z.string()),
  /** The sort value and sku of the previous page's last product. */
  after: z.tuple([z.union([z.string(), z.number()]), z.string()]),
});
type Cursor = z.infer<typeof cursorSchema>;

/** A catalog entry with its stock; a product without an inventory item has none left. */
export function withStock(entries: CatalogEntry[], stock: Map<string, number>): Product[] {
  return entries.map((entry) => ({ ...entry, stock: stock.get(entry.sku) ?? 0 }));
}

const sortValue = (product: Product, sort: ListProductsQuery["sort"]) =>
  sort === "price" ? product.priceCents : product.name;

function compareKeys(a: [string | number, string], b: [string | number, string]): number {
  const [av, asku] = a;
  const [bv, bsku] = b;
  const primary =
    typeof av === "number" && typeof bv === "number"
      ? av - bv
      : String(av).localeCompare(String(bv), "en", { sensitivity: "base" });
  return primary !== 0 ? primary : asku < bsku ? -1 : asku > bsku ? 1 : 0;
}

export function encodeCursor(cursor: Cursor): string {
  return writeOpaqueCursor(cursor);
}

function decodeCursor(text: string, query: ListProductsQuery): Cursor {
  const invalid = () =>
    badRequest("cursor is not valid", [
      {
        path: "cursor",
        message: "pass nextCursor from the previous page unchanged, with the same category, sort and order",
      },
    ]);
  const cursor = readOpaqueCursor(text, cursorSchema);
  if (!cursor) throw invalid();
  if (cursor.sort !== query.sort || cursor.order !== query.order || cursor.category !== query.category) throw invalid();
  if (typeof cursor.after[0] !== (query.sort === "price" ? "number" : "string")) throw invalid();
  return cursor;
}

/** One page of the listing the query asks for. */
export function listProducts(products: readonly Product[], query: ListProductsQuery): ProductPage {
  const direction = query.order === "desc" ? -1 : 1;
  const key = (p: Product): [string | number, string] => [sortValue(p, query.sort), p.sku];
  let matching = products
    .filter((p) => query.category === undefined || p.category === query.category)
    .sort((a, b) => direction * compareKeys(key(a), key(b)));
  if (query.cursor) {
    const { after } = decodeCursor(query.cursor, query);
    matching = matching.filter((p) => direction * compareKeys(key(p), after) > 0);
  }
  const items = matching.slice(0, query.limit);
  if (matching.length <= query.limit) return { items };
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: encodeCursor({
      sort: query.sort,
      order: query.order,
      ...(query.category ? { category: query.category } : {}),
      after: key(last),
    }),
  };
}
