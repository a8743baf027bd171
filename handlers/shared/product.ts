// The product contract shared by the catalog and order handlers, the program (seeding the
// tables from catalog/products.json), the storefront and the tests.
//
// A product lives in two tables: its description and price in `products` (declared by the
// catalog file, rewritten by every `pulumi up`), its stock in `inventory` (runtime state:
// seeded once per sku, then changed only by orders and cancellations).
import * as z from "zod";

/** Upper-case letters and digits in dash-separated groups, e.g. "KIT-MUG-STN-12". */
export const skuSchema = z
  .string()
  .max(32, { error: "sku is at most 32 characters" })
  .regex(/^[A-Z0-9]+(?:-[A-Z0-9]+){1,4}$/, {
    error: "sku must look like ABC-123 (upper-case groups joined by dashes)",
  });

/** Lower-case words joined by dashes, e.g. "kitchen". */
export const categorySchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: "category is lower-case letters and digits joined by dashes" })
  .max(64, { error: "category is at most 64 characters" });

/** Where the storefront serves a product's picture (site/images/<sku>.svg, shipped with the site). */
export const productImagePath = (sku: string) => `/images/${sku}.svg`;

const cents = z.number().int().nonnegative();

const catalogEntryShape = {
  sku: skuSchema,
  name: z.string().min(1).max(200),
  description: z.string().min(1).max(2000),
  category: categorySchema,
  priceCents: cents,
  currency: z.literal("USD"),
  image: z.string(),
};
const imageIsTheSkus = (p: { sku: string; image: string }) => p.image === productImagePath(p.sku);
const imageOfSku = { path: ["image"], message: "image must be /images/<sku>.svg" };

/** A product's entry in the products table: everything but its stock. */
export const catalogEntrySchema = z.strictObject(catalogEntryShape).refine(imageIsTheSkus, imageOfSku);
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const stockSchema = z.number().int().nonnegative();

/** A product's item in the inventory table. */
export const inventoryItemSchema = z.strictObject({ sku: skuSchema, stock: stockSchema });
export type InventoryItem = z.infer<typeof inventoryItemSchema>;

/** A product as the API answers it and catalog/products.json lists it (stock: what is left / the seed). */
export const productSchema = z
  .strictObject({ ...catalogEntryShape, stock: stockSchema })
  .refine(imageIsTheSkus, imageOfSku);
export type Product = z.infer<typeof productSchema>;

export const productSorts = ["name", "price"] as const;
export const sortOrders = ["asc", "desc"] as const;
export const defaultProductPageSize = 24;
export const maxProductPageSize = 100;

/**
 * GET /products?category=&sort=name|price&order=asc|desc&limit=1..100&cursor=
 * Other parameters (utm_source, cache busters) are ignored, not refused: the listing is cached
 * by these five alone, so answering a stray parameter with a 400 would cache that 400 for
 * the plain listing.
 */
export const listProductsQuerySchema = z.object({
  category: categorySchema.optional(),
  sort: z.enum(productSorts, { error: `sort must be one of ${productSorts.join(", ")}` }).default("name"),
  order: z.enum(sortOrders, { error: `order must be one of ${sortOrders.join(", ")}` }).default("asc"),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(maxProductPageSize, { error: `limit must be at most ${maxProductPageSize}` })
    .default(defaultProductPageSize),
  cursor: z.string().min(1).max(512).optional(),
});
export type ListProductsQuery = z.infer<typeof listProductsQuerySchema>;

/** The body of GET /products. */
export const productPageSchema = z.strictObject({
  items: z.array(productSchema),
  nextCursor: z.string().optional(),
});
export type ProductPage = z.infer<typeof productPageSchema>;
