import type { Product } from "../api";
import { useLoad } from "../async";
import { maxQuantity, type CartLine } from "../cart";
import { formatPrice } from "../format";
import { Recommendations } from "../recommendations";
import { Link, navigate } from "../router";
import { useShop } from "../shop";
import { useStore } from "../store";
import { LinesTable, LoadState, PageTitle, TotalLine } from "../ui";

export interface PricedLine extends CartLine {
  product?: Product;
}

export function priceLines(lines: CartLine[], products: Product[]): { lines: PricedLine[]; totalCents: number } {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const priced = lines.map((line) => ({ ...line, product: bySku.get(line.sku) }));
  const totalCents = priced.reduce((sum, l) => sum + (l.product ? l.product.priceCents * l.quantity : 0), 0);
  return { lines: priced, totalCents };
}

export function CartPage() {
  const { api, cart, tracker } = useShop();
  const lines = useStore(cart.lines);
  const [catalog, retry] = useLoad(() => api.allProducts(), []);
  const remove = (sku: string) => {
    const line = lines.find((l) => l.sku === sku);
    cart.remove(sku);
    tracker.track("remove_from_cart", { itemId: sku, properties: { quantity: line?.quantity ?? 0 } });
  };
  return (
    <>
      <PageTitle title="Cart">Your cart</PageTitle>
      {lines.length === 0 ? (
        <p>
          Your cart is empty. <Link href="/">Continue shopping</Link>
        </p>
      ) : (
        <LoadState loaded={catalog} retry={retry}>
          {(products) => {
            const priced = priceLines(lines, products);
            return (
              <>
                <LinesTable caption="Items in your cart" columns={["Product", "Price", "Quantity", "Total"]} actions>
                  {priced.lines.map((line) => (
                    <tr key={line.sku}>
                      <td data-label="Product">
                        {line.product ? (
                          <Link href={`/product/${encodeURIComponent(line.sku)}`}>{line.product.name}</Link>
                        ) : (
                          `${line.sku} (no longer sold)`
                        )}
                      </td>
                      <td data-label="Price">{line.product ? formatPrice(line.product.priceCents) : "—"}</td>
                      <td data-label="Quantity">
                        <input
                          type="number"
                          min={1}
                          max={maxQuantity}
                          value={line.quantity}
                          aria-label={`Quantity of ${line.product?.name ?? line.sku}`}
                          onChange={(e) =>
                            cart.setQuantity(line.sku, Number((e.currentTarget as HTMLInputElement).value) || 1)
                          }
                        />
                      </td>
                      <td data-label="Total">
                        {line.product ? formatPrice(line.product.priceCents * line.quantity) : "—"}
                      </td>
                      <td>
                        <button
                          type="button"
                          class="secondary"
                          onClick={() => remove(line.sku)}
                          aria-label={`Remove ${line.product?.name ?? line.sku}`}
                        >
                          Remove
                        </button>
                      </td>
                    </tr>
                  ))}
                </LinesTable>
                <TotalLine label="Subtotal" cents={priced.totalCents} />
                <p class="hint">Prices are the catalog's today and are checked again when you place the order.</p>
                <button type="button" onClick={() => navigate("/checkout")}>
                  Checkout
                </button>
              </>
            );
          }}
        </LoadState>
      )}
      <Recommendations placement="cart" exclude={lines.map((l) => l.sku)} />
    </>
  );
}
