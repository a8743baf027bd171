// How long a catalog answer may be kept, shared by the catalog API (its Cache-Control) and the
// storefront (which asks past the browser's cache while an answer from before may still be in it).

/** Browsers and shared caches serve a product answer this long as it is... */
export const catalogMaxAgeSeconds = 60;
/** ...then this much longer while revalidating in the background. */
export const catalogStaleWhileRevalidateSeconds = 300;

/** The longest a browser may answer a catalog request from its cache. */
export const catalogBrowserKeepsMs = (catalogMaxAgeSeconds + catalogStaleWhileRevalidateSeconds) * 1000;

/**
 * What browsers and shared caches may do with a product answer: serve it for a minute, then
 * for five more while revalidating in the background. Stock shown may be that old; the order
 * itself is checked against the live stock (409 when it is gone).
 */
export const catalogCacheControl = `public, max-age=${catalogMaxAgeSeconds}, stale-while-revalidate=${catalogStaleWhileRevalidateSeconds}`;
