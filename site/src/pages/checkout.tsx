import { useEffect, useState } from "preact/hooks";
import { ApiError, NetworkError, type ErrorDetail, type Product } from "../api";
import { describeError, useLoad } from "../async";
import { endAttempt, idempotencyKeyFor } from "../checkout-attempt";
import { formatPrice } from "../format";
import { Link, navigate } from "../router";
import { useShop } from "../shop";
import { useStore } from "../store";
import { LinesTable, LoadState, PageTitle, StockShortfall, TotalLine } from "../ui";
import { priceLines } from "./cart";

type Problem = {
  message: string;
  retryInSeconds?: number;
  shortages?: { sku: string; name: string; available: number }[];
};

export function CheckoutPage() {
  const { api, auth, cart, tracker } = useShop();
  const user = useStore(auth.user);
  const lines = useStore(cart.lines);
  // Prices and stock re-read from the catalog now, not remembered from earlier.
  const [catalog, retry] = useLoad(() => {
    api.refreshCatalog();
    return api.allProducts();
  }, []);
  const [placing, setPlacing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [waitLeft, setWaitLeft] = useState(0);

  useEffect(() => {
    if (lines.length > 0) tracker.track("checkout_start", { properties: { lines: lines.length, items: cart.count() } });
  }, []);
  useEffect(() => {
    if (waitLeft <= 0) return;
    const timer = setTimeout(() => setWaitLeft(waitLeft - 1), 1000);
    return () => clearTimeout(timer);
  }, [waitLeft]);

  if (lines.length === 0)
    return (
      <>
        <PageTitle title="Checkout">Checkout</PageTitle>
        <p>
          Your cart is empty. <Link href="/">Continue shopping</Link>
        </p>
      </>
    );
  if (!user)
    return (
      <>
        <PageTitle title="Checkout">Checkout</PageTitle>
        <p>Please sign in to place your order. Your cart stays as it is.</p>
        <button type="button" onClick={() => auth.signIn("/checkout")}>
          Sign in to check out
        </button>
      </>
    );

  const place = async (products: Product[]) => {
    setPlacing(true);
    setProblem(null);
    const key = idempotencyKeyFor(lines);
    try {
      const order = await api.createOrder(
        lines.map(({ sku, quantity }) => ({ sku, quantity })),
        key,
      );
      for (const line of order.lines)
        tracker.track("purchase", {
          itemId: line.sku,
          properties: { orderId: order.orderId, quantity: line.quantity, priceCents: line.unitPriceCents },
        });
      endAttempt();
      cart.clear();
      api.refreshCatalog();
      navigate(`/orders/${encodeURIComponent(order.orderId)}/confirmation`);
    } catch (error) {
      setProblem(explain(error, products));
      if (error instanceof ApiError && error.status === 429) setWaitLeft(error.retryAfterSeconds ?? 5);
    } finally {
      setPlacing(false);
    }
  };

  const useAvailable = (shortages: NonNullable<Problem["shortages"]>) => {
    for (const s of shortages) cart.setQuantity(s.sku, s.available);
    setProblem(null);
  };

  return (
    <>
      <PageTitle title="Checkout">Review your order</PageTitle>
      <LoadState loaded={catalog} retry={retry}>
        {(products) => {
          const priced = priceLines(lines, products);
          const unavailable = priced.lines.filter((l) => !l.product);
          return (
            <>
              <LinesTable caption="Order summary" columns={["Product", "Quantity", "Total"]}>
                {priced.lines.map((l) => (
                  <tr key={l.sku}>
                    <td data-label="Product">{l.product?.name ?? `${l.sku} (no longer sold)`}</td>
                    <td data-label="Quantity">
                      {l.quantity}
                      <StockShortfall product={l.product} quantity={l.quantity} />
                    </td>
                    <td data-label="Total">{l.product ? formatPrice(l.product.priceCents * l.quantity) : "—"}</td>
                  </tr>
                ))}
              </LinesTable>
              <TotalLine label="Total" cents={priced.totalCents} />
              <p class="hint">
                Signed in as {user.email}. You pay on delivery; the order is priced by the shop when you place it.
              </p>
              {unavailable.length > 0 ? (
                <p role="alert">
                  Some items are no longer sold. <Link href="/cart">Edit your cart</Link> to continue.
                </p>
              ) : null}
              <div role="alert" aria-live="assertive">
                {problem ? (
                  <div class="notice error">
                    <p>{problem.message}</p>
                    {problem.shortages ? (
                      <button type="button" class="secondary" onClick={() => useAvailable(problem.shortages!)}>
                        Use the quantities in stock
                      </button>
                    ) : null}
                  </div>
                ) : null}
              </div>
              <button
                type="button"
                disabled={placing || waitLeft > 0 || unavailable.length > 0}
                onClick={() => place(products)}
              >
                Place order
              </button>
              {waitLeft > 0 ? <p class="hint">You can try again in {waitLeft} s.</p> : null}
              {placing ? <p role="status">Placing your order…</p> : null}
            </>
          );
        }}
      </LoadState>
    </>
  );
}

function explain(error: unknown, products: Product[]): Problem {
  if (error instanceof NetworkError)
    return {
      message:
        "We could not reach the shop, so your order may not have been placed yet. Try again: you will not be charged twice.",
    };
  if (error instanceof ApiError && error.status === 409) {
    const shortages = stockShortages(error.details, products);
    if (shortages.length > 0) {
      const list = shortages
        .map((s) => (s.available > 0 ? `only ${s.available} left of ${s.name}` : `${s.name} is sold out`))
        .join("; ");
      return { message: `Sorry, we don't have enough in stock: ${list}.`, shortages };
    }
    return {
      message: "Your order is still being processed. Try again in a moment: it will not be placed twice.",
      retryInSeconds: error.retryAfterSeconds ?? 1,
    };
  }
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfterSeconds ?? 5;
    return {
      message: `The shop is very busy right now. Please try again in ${wait} second${wait === 1 ? "" : "s"}; your order will not be placed twice.`,
      retryInSeconds: wait,
    };
  }
  return { message: describeError(error) };
}

function stockShortages(details: ErrorDetail[], products: Product[]) {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  return details
    .map((d) => {
      const sku = d.sku ?? /([A-Z0-9]+(?:-[A-Z0-9]+)+)/.exec(d.message)?.[1];
      const available = d.available ?? Number(/only (\d+) left/.exec(d.message)?.[1] ?? NaN);
      return sku && Number.isFinite(available) ? { sku, name: bySku.get(sku)?.name ?? sku, available } : undefined;
    })
    .filter((s): s is { sku: string; name: string; available: number } => s !== undefined);
}
