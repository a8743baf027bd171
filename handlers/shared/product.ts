// The product contract shared by the catalog and order handlers, the program (seeding the
// tables from catalog/products.json), the storefront and the tests.
//
// A product lives in two tables: its description and price in `products` (declared by the
// catalog file, rewritten by every `pulumi up`), its stock in `inventory` (runtime state:
// seeded once per sku, then changed only by orders and cancellations).
import * as z from "../lib/zod";

/** Upper-case letters and digits in dash-separated groups, e.g. "KIT-MUG-STN-12". */
export const skuSchema = z.string().check(
  z.maxLength(32, { error: "sku is at most 32 characters" }),
  z.regex(/^[A-Z0-9]+(?:-[A-Z0-9]+){1,4}$/, {
    error: "sku must look like ABC-123 (upper-case groups joined by dashes)",
  }),
);

/** Lower-case words joined by dashes, e.g. "kitchen". */
export const categorySchema = z
  .string()
  .check(
    z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: "category is lower-case letters and digits joined by dashes" }),
    z.maxLength(64, { error: "category is at most 64 characters" }),
  );

/** Where the storefront serves a product's picture (site/images/<sku>.svg, shipped with the site). */
export const productImagePath = (sku: string) => `/images/${sku}.svg`;

const cents = z.number().check(z.int(), z.nonnegative());

const catalogEntryShape = {
  sku: skuSchema,
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  description: z.string().check(z.minLength(1), z.maxLength(2000)),
  category: categorySchema,
  priceCents: cents,
  currency: z.literal("USD"),
  image: z.string(),
};
const imageIsTheSkus = (p: { sku: string; image: string }) => p.image === productImagePath(p.sku);
const imageOfSku = { path: ["image"], message: "image must be /images/<sku>.svg" };

/** A product's entry in the products table: everything but its stock. */
export const catalogEntrySchema = z.strictObject(catalogEntryShape).check(z.refine(imageIsTheSkus, imageOfSku));
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const stockSchema = z.number().check(z.int(), z.nonnegative());

/** A product's item in the inventory table. */
export const inventoryItemSchema = z.strictObject({ sku: skuSchema, stock: stockSchema });
export type InventoryItem = z.infer<typeof inventoryItemSchema>;

/** A product as the API answers it and catalog/products.json lists it (stock: what is left / the seed). */
export const productSchema = z
  .strictObject({ ...catalogEntryShape, stock: stockSchema })
  .check(z.refine(imageIsTheSkus, imageOfSku));
export type Product = z.infer<typeof productSchema>;

export const productSorts = ["name", "price"] as const;
export const sortOrders = ["asc", "desc"] as const;
export const defaultProductPageSize = 24;
export const maxProductPageSize = 100;

/**
 * A route's `limit` query parameter: decimal digits only, a whole number from 1 to `max`,
 * `byDefault` when absent. Number() would also take "0x10", "1e2", " 5" and "" (as 0); a
 * client sending those has a bug worth a 400 that says what is allowed.
 */
export function limitParameter(max: number, byDefault: number) {
  return z._default(
    z.pipe(
      z.pipe(
        z.string().check(
          z.regex(new RegExp(`^[0-9]{1,${String(max).length}}$`), {
            error: `limit must be a whole number from 1 to ${max}, in decimal digits only`,
          }),
        ),
        z.transform(Number),
      ),
      z
        .number()
        .check(
          z.minimum(1, { error: "limit must be at least 1" }),
          z.maximum(max, { error: `limit must be at most ${max}` }),
        ),
    ),
    byDefault,
  );
}

/**
 * The longest `cursor` GET /products takes: the longest it hands out (1,808 characters) with
 * room to spare. A cursor carries the last product's name, 200 UTF-16 units that JSON writes
 * in up to 6 bytes each (`\u0001`; a character outside ASCII is 2-3 bytes of UTF-8), then
 * base64url adds a third. (At 512, a long Japanese name ended the listing with a 400.)
 */
export const maxProductCursorLength = 2048;

/**
 * GET /products?category=&sort=name|price&order=asc|desc&limit=1..100&cursor=
 * Other parameters (utm_source, cache busters) are ignored, not refused: the listing is cached
 * by these five alone, so answering a stray parameter with a 400 would cache that 400 for
 * the plain listing.
 */
export const listProductsQuerySchema = z.object({
  category: z.optional(categorySchema),
  sort: z._default(z.enum(productSorts, { error: `sort must be one of ${productSorts.join(", ")}` }), "name"),
  order: z._default(z.enum(sortOrders, { error: `order must be one of ${sortOrders.join(", ")}` }), "asc"),
  limit: limitParameter(maxProductPageSize, defaultProductPageSize),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(maxProductCursorLength))),
});
export type ListProductsQuery = z.infer<typeof listProductsQuerySchema>;

/** The body of GET /products. */
export const productPageSchema = z.strictObject({
  items: z.array(productSchema),
  nextCursor: z.optional(z.string()),
});
export type ProductPage = z.infer<typeof productPageSchema>;
