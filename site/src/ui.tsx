// Small shared pieces of the pages.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Product } from "./api";
import type { Loaded } from "./async";
import { formatPrice } from "./format";
import { Link } from "./router";
import { useShop } from "./shop";

let firstPage = true;

/**
 * The page's heading: takes focus after an in-app navigation so screen readers announce the
 * new page (not on the first load: there the browser's own focus order starts at the top).
 */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Storefront`;
    if (firstPage) firstPage = false;
    else if (document.activeElement === document.body || document.activeElement?.closest("a, button"))
      ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export const productHref = (sku: string) => `/product/${encodeURIComponent(sku)}`;

export function ProductCard({ product, headingLevel }: { product: Product; headingLevel: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <li class="card">
      <img src={product.image} alt="" width={240} height={240} loading="lazy" decoding="async" />
      <Heading class="card-title">
        <Link href={productHref(product.sku)}>{product.name}</Link>
      </Heading>
      <p class="price">{formatPrice(product.priceCents)}</p>
      {product.stock <= 0 ? <p class="stock out">Out of stock</p> : null}
    </li>
  );
}

/** Product cards; their headings sit one level below the section's (2 under the page title). */
export function ProductGrid({
  products,
  label,
  headingLevel = 2,
}: {
  products: Product[];
  label: string;
  headingLevel?: 2 | 3;
}) {
  return (
    <ul class="grid" aria-label={label}>
      {products.map((p) => (
        <ProductCard key={p.sku} product={p} headingLevel={headingLevel} />
      ))}
    </ul>
  );
}

/** Loading, failure (with a retry, unless the thing does not exist) or the content. */
export function LoadState<T>({
  loaded,
  retry,
  children,
}: {
  loaded: Loaded<T>;
  retry?: () => void;
  children: (value: T) => ComponentChildren;
}) {
  const { auth } = useShop();
  if (loaded.state === "loading") return <p role="status">Loading…</p>;
  if (loaded.state === "failed")
    return (
      <div class="notice error" role="alert">
        <p>{loaded.message}</p>
        {/* The API no longer takes the session (expired, revoked): signing in helps, asking again does not. */}
        {loaded.status === 401 ? (
          <button type="button" onClick={() => auth.signIn()}>
            Sign in again
          </button>
        ) : /* Asking again for what is not there (404) gets the same answer: no button that cannot help. */
        retry && loaded.status !== 404 ? (
          <button type="button" onClick={retry}>
            Try again
          </button>
        ) : null}
      </div>
    );
  return <>{children(loaded.value)}</>;
}

/**
 * The lines of a cart or an order as a table: a caption for screen readers, a header per
 * column and, with `actions`, a last column whose header only screen readers hear.
 */
export function LinesTable({
  caption,
  columns,
  actions = false,
  children,
}: {
  caption: string;
  columns: string[];
  actions?: boolean;
  children: ComponentChildren;
}) {
  return (
    <table class="lines">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
          {actions ? (
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** The sum under a lines table. */
export function TotalLine({ label, cents }: { label: string; cents: number }) {
  return (
    <p class="total">
      {label}: <strong>{formatPrice(cents)}</strong>
    </p>
  );
}

/** Under a line's quantity when the shop holds fewer than it asks for: said before the order is refused. */
export function StockShortfall({ product, quantity }: { product?: Product; quantity: number }) {
  if (!product || quantity <= product.stock) return null;
  return <p class="stock out">{product.stock > 0 ? `Only ${product.stock} left` : "Out of stock"}</p>;
}

/**
 * After "Show more" or "Show older orders": the first of the items just shown takes the focus,
 * as the button that asked may be gone (the last page). Returns the setter for that item's link
 * (its address, within `container`), which is focused once the page has rendered it.
 */
export function useFocusLinkOnceShown(container: string): (href: string | undefined) => void {
  const [href, setHref] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (href) document.querySelector<HTMLElement>(`${container} a[href="${CSS.escape(href)}"]`)?.focus();
  }, [href]);
  return setHref;
}
