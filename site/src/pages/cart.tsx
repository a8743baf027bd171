import { useEffect, useState } from "preact/hooks";
import type { Product } from "../api";
import { useLoad } from "../async";
import { maxQuantity, type CartLine } from "../cart";
import { formatPrice } from "../format";
import { Recommendations } from "../recommendations";
import { Link, navigate } from "../router";
import { useShop } from "../shop";
import { useStore } from "../store";
import { LinesTable, LoadState, PageTitle, StockShortfall, TotalLine } from "../ui";

export interface PricedLine extends CartLine {
  product?: Product;
}

export function priceLines(lines: CartLine[], products: Product[]): { lines: PricedLine[]; totalCents: number } {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const priced = lines.map((line) => ({ ...line, product: bySku.get(line.sku) }));
  const totalCents = priced.reduce((sum, l) => sum + (l.product ? l.product.priceCents * l.quantity : 0), 0);
  return { lines: priced, totalCents };
}

/** The most of a line the shop can sell now: what is in stock, within the cart's own limit. */
const sellable = (line: PricedLine) =>
  line.product && line.product.stock > 0 ? Math.min(maxQuantity, line.product.stock) : maxQuantity;

export function CartPage() {
  const { api, cart, tracker } = useShop();
  const lines = useStore(cart.lines);
  const [catalog, retry] = useLoad(() => api.allProducts(), []);
  // What the last change did, read out to screen readers and shown under the title.
  const [notice, setNotice] = useState("");
  const nameOf = (line: PricedLine) => line.product?.name ?? line.sku;
  // A removed line takes its Remove button (and the focus) with it: the focus goes to the line
  // now in its place, else the one above, else the page's heading (the cart is empty).
  const [removedAt, setRemovedAt] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (removedAt === undefined) return;
    setRemovedAt(undefined);
    if (document.activeElement && document.activeElement !== document.body) return;
    const buttons = document.querySelectorAll<HTMLElement>("main .lines button.remove");
    (buttons[Math.min(removedAt, buttons.length - 1)] ?? document.querySelector<HTMLElement>("main h1"))?.focus();
  }, [removedAt]);
  const remove = (line: PricedLine) => {
    setRemovedAt(lines.findIndex((l) => l.sku === line.sku));
    cart.remove(line.sku);
    tracker.track("remove_from_cart", { itemId: line.sku, properties: { quantity: line.quantity } });
    setNotice(`Removed ${nameOf(line)} from your cart.`);
  };
  /** 0 removes the line; more than can be sold becomes what can be; an empty box changes nothing. */
  const changeQuantity = (line: PricedLine, input: HTMLInputElement) => {
    const typed = input.value.trim() === "" ? Number.NaN : Math.floor(Number(input.value));
    if (!Number.isFinite(typed)) {
      input.value = String(line.quantity);
      return;
    }
    if (typed <= 0) {
      remove(line);
      return;
    }
    const quantity = Math.min(typed, sellable(line));
    cart.setQuantity(line.sku, quantity);
    // The box shows what the cart holds, also when the cart itself did not change.
    input.value = String(quantity);
    if (quantity === typed) setNotice("");
    else if (line.product && line.product.stock === quantity)
      setNotice(`Only ${quantity} of ${nameOf(line)} in stock: the quantity is now ${quantity}.`);
    else
      setNotice(`At most ${maxQuantity} of one product per order: the quantity of ${nameOf(line)} is now ${quantity}.`);
  };
  return (
    <>
      <PageTitle title="Cart">Your cart</PageTitle>
      <p role="status" class="cart-notice">
        {notice}
      </p>
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
                          min={0}
                          max={sellable(line)}
                          value={line.quantity}
                          aria-label={`Quantity of ${nameOf(line)}`}
                          onChange={(e) => changeQuantity(line, e.currentTarget as HTMLInputElement)}
                        />
                        <StockShortfall product={line.product} quantity={line.quantity} />
                      </td>
                      <td data-label="Total">
                        {line.product ? formatPrice(line.product.priceCents * line.quantity) : "—"}
                      </td>
                      <td>
                        <button
                          type="button"
                          class="secondary remove"
                          onClick={() => remove(line)}
                          aria-label={`Remove ${nameOf(line)}`}
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
