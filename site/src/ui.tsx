// Small shared pieces of the pages.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { Product } from "./api";
import type { Loaded } from "./async";
import { formatPrice } from "./format";
import { Link } from "./router";

/** The page's heading: takes focus after a navigation so screen readers announce the new page. */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Storefront`;
    if (document.activeElement === document.body || document.activeElement?.closest("a, button")) ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function ProductCard({ product }: { product: Product }) {
  return (
    <li class="card">
      <img src={product.image} alt="" width={240} height={240} loading="lazy" decoding="async" />
      <h3>
        <Link href={`/product/${encodeURIComponent(product.sku)}`}>{product.name}</Link>
      </h3>
      <p class="price">{formatPrice(product.priceCents)}</p>
      {product.stock <= 0 ? <p class="stock out">Out of stock</p> : null}
    </li>
  );
}

export function ProductGrid({ products, label }: { products: Product[]; label: string }) {
  return (
    <ul class="grid" aria-label={label}>
      {products.map((p) => (
        <ProductCard key={p.sku} product={p} />
      ))}
    </ul>
  );
}

/** Loading, failure (with a retry) or the content. */
export function LoadState<T>({ loaded, retry, children }: { loaded: Loaded<T>; retry?: () => void; children: (value: T) => ComponentChildren }) {
  if (loaded.state === "loading") return <p role="status">Loading…</p>;
  if (loaded.state === "failed")
    return (
      <div class="notice error" role="alert">
        <p>{loaded.message}</p>
        {retry ? (
          <button type="button" onClick={retry}>
            Try again
          </button>
        ) : null}
      </div>
    );
  return <>{children(loaded.value)}</>;
}
