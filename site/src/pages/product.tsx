import { useEffect, useState } from "preact/hooks";
import { useLoad } from "../async";
import { maxQuantity } from "../cart";
import { categoryLabel, formatPrice } from "../format";
import { Recommendations, recommendationProperties } from "../recommendations";
import { Link, useLocation } from "../router";
import { useShop } from "../shop";
import { LoadState, PageTitle } from "../ui";

export function ProductPage({ sku }: { sku: string }) {
  const { api, cart, tracker } = useShop();
  const [product, retry] = useLoad(() => api.product(sku), [sku]);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState("");
  const location = useLocation();
  useEffect(() => {
    // Opened from a recommendation: the view says which source and placement (the click's event).
    if (product.state === "ready")
      tracker.track("product_view", {
        itemId: sku,
        properties: {
          category: product.value.category,
          priceCents: product.value.priceCents,
          ...recommendationProperties(location),
        },
      });
  }, [product.state, sku]);
  if (product.state === "failed" && product.status === 404)
    return (
      <>
        <PageTitle title="Product not found">Product not found</PageTitle>
        <p>We could not find that product. It may no longer be sold.</p>
        <p>
          <Link href="/">See all products</Link>
        </p>
      </>
    );
  return (
    <>
      {/* A failed load still names the page (heading and title), above its message and retry. */}
      {product.state === "failed" ? <PageTitle title="Product">Product</PageTitle> : null}
      <LoadState loaded={product} retry={retry}>
        {(p) => (
          <article class="product">
            <img src={p.image} alt={p.name} width={480} height={480} />
            <div>
              <PageTitle title={p.name}>{p.name}</PageTitle>
              <p>
                <Link href={`/category/${encodeURIComponent(p.category)}`}>{categoryLabel(p.category)}</Link>
              </p>
              <p class="price large">{formatPrice(p.priceCents)}</p>
              <p>{p.description}</p>
              <p class={p.stock > 0 ? "stock" : "stock out"}>
                {p.stock > 0 ? (p.stock <= 5 ? `Only ${p.stock} left` : "In stock") : "Out of stock"}
              </p>
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  // What the cart holds already counts: together never more than the shop can sell.
                  const inCart = cart.lines.get().find((l) => l.sku === p.sku)?.quantity ?? 0;
                  const sellable = Math.min(maxQuantity, p.stock);
                  const adding = Math.min(quantity, Math.max(0, sellable - inCart));
                  if (adding === 0) {
                    setAdded(`Your cart already holds ${inCart} × ${p.name}: all we can sell you now.`);
                    return;
                  }
                  cart.add(p.sku, adding);
                  tracker.track("add_to_cart", {
                    itemId: p.sku,
                    properties: { quantity: adding, priceCents: p.priceCents },
                  });
                  setAdded(
                    `Added ${adding} × ${p.name} to your cart (${inCart + adding} in your cart` +
                      (adding < quantity ? `, all we can sell you now).` : ")."),
                  );
                }}
              >
                <label class="inline">
                  Quantity{" "}
                  <input
                    type="number"
                    min={1}
                    max={Math.max(1, Math.min(maxQuantity, p.stock))}
                    value={quantity}
                    onInput={(e) => setQuantity(Math.max(1, Number((e.currentTarget as HTMLInputElement).value) || 1))}
                  />
                </label>
                <button type="submit" disabled={p.stock <= 0}>
                  Add to cart
                </button>
              </form>
              <p role="status" class="added">
                {added}
              </p>
            </div>
          </article>
        )}
      </LoadState>
      <Recommendations sku={sku} placement="product" />
    </>
  );
}
