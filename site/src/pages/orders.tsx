import type { ComponentChildren } from "preact";
import type { Order } from "../api";
import { useState } from "preact/hooks";
import { describeError, useLoad } from "../async";
import { formatDate, formatPrice } from "../format";
import { Link } from "../router";
import { useShop } from "../shop";
import { useStore } from "../store";
import { LinesTable, LoadState, PageTitle, TotalLine, useFocusLinkOnceShown } from "../ui";

export const statusLabel: Record<Order["status"], string> = {
  PLACED: "Placed",
  PAID: "Paid",
  SHIPPED: "Shipped",
  CANCELLED: "Cancelled",
};
export const shortId = (orderId: string) => orderId.slice(0, 8).toUpperCase();

/** Pages about one's own orders need a signed-in shopper. */
export function SignedIn({ title, children }: { title: string; children: ComponentChildren }) {
  const { auth } = useShop();
  const user = useStore(auth.user);
  if (user) return <>{children}</>;
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p>Please sign in to see your orders.</p>
      <button type="button" onClick={() => auth.signIn()}>
        Sign in to see orders
      </button>
    </>
  );
}

const orderHref = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;

/** The shopper's orders, newest first, a page at a time (the API's nextCursor): older ones on request. */
export function OrdersPage() {
  const { api } = useShop();
  const [older, setOlder] = useState<{ orders: Order[]; cursor?: string; error?: string; loading?: boolean }>({
    orders: [],
  });
  const [first, retry] = useLoad(async () => {
    const page = await api.myOrders();
    setOlder({ orders: [], cursor: page.nextCursor ?? undefined });
    return page.orders;
  }, []);
  // The first of the orders just shown takes the focus: the button may be gone (the last page).
  const focusFirstShown = useFocusLinkOnceShown(".orders");
  const showOlder = async () => {
    if (older.loading) return; // not `disabled`: a disabled button drops the keyboard focus
    setOlder({ ...older, error: undefined, loading: true });
    try {
      const page = await api.myOrders(older.cursor);
      setOlder({ orders: [...older.orders, ...page.orders], cursor: page.nextCursor ?? undefined });
      focusFirstShown(page.orders[0] && orderHref(page.orders[0].orderId));
    } catch (error) {
      setOlder({ ...older, loading: false, error: describeError(error) });
    }
  };
  return (
    <>
      <PageTitle title="Your orders">Your orders</PageTitle>
      <LoadState loaded={first} retry={retry}>
        {(newest) =>
          newest.length === 0 ? (
            <p>
              You have no orders yet. <Link href="/">Start shopping</Link>
            </p>
          ) : (
            <>
              <OrderList orders={[...newest, ...older.orders]} />
              {older.error ? <p role="alert">{older.error}</p> : null}
              {older.cursor ? (
                <button type="button" onClick={showOlder}>
                  Show older orders
                </button>
              ) : null}
            </>
          )
        }
      </LoadState>
    </>
  );
}

function OrderList({ orders }: { orders: Order[] }) {
  return (
    <ul class="orders">
      {orders.map((o) => (
        <li key={o.orderId}>
          <Link href={orderHref(o.orderId)}>Order {shortId(o.orderId)}</Link>
          <span>{formatDate(o.createdAt)}</span>
          <span>{o.itemCount === 1 ? "1 item" : `${o.itemCount} items`}</span>
          <span>{formatPrice(o.totalCents)}</span>
          <span class={`status status-${o.status.toLowerCase()}`}>{statusLabel[o.status]}</span>
        </li>
      ))}
    </ul>
  );
}

export function OrderSummary({ order }: { order: Order }) {
  return (
    <>
      <dl class="facts">
        <dt>Order</dt>
        <dd>{shortId(order.orderId)}</dd>
        <dt>Placed</dt>
        <dd>{formatDate(order.createdAt)}</dd>
        <dt>Status</dt>
        <dd>{statusLabel[order.status]}</dd>
      </dl>
      <LinesTable caption="Items in this order" columns={["Product", "Price", "Quantity", "Total"]}>
        {order.lines.map((l) => (
          <tr key={l.sku}>
            <td data-label="Product">
              <Link href={`/product/${encodeURIComponent(l.sku)}`}>{l.name}</Link>
            </td>
            <td data-label="Price">{formatPrice(l.unitPriceCents)}</td>
            <td data-label="Quantity">{l.quantity}</td>
            <td data-label="Total">{formatPrice(l.lineTotalCents)}</td>
          </tr>
        ))}
      </LinesTable>
      <TotalLine label="Total" cents={order.totalCents} />
    </>
  );
}

export function OrderPage({ orderId, confirmation }: { orderId: string; confirmation: boolean }) {
  const { api } = useShop();
  const [order, retry] = useLoad(() => api.order(orderId), [orderId]);
  const title = confirmation ? "Thank you for your order" : `Order ${shortId(orderId)}`;
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      {confirmation ? <p role="status">Your order is placed. We will e-mail you when it ships.</p> : null}
      <LoadState loaded={order} retry={retry}>
        {(o) => <OrderSummary order={o} />}
      </LoadState>
      <p>
        <Link href="/orders">All your orders</Link> · <Link href="/">Continue shopping</Link>
      </p>
    </>
  );
}
