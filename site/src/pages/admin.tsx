import { useEffect, useState } from "preact/hooks";
import type { Order, OrderStatus } from "../api";
import { describeError, useLoad } from "../async";
import { adminGroup } from "../auth";
import { formatDate, formatPrice } from "../format";
import { Link } from "../router";
import { useShop } from "../shop";
import { useStore } from "../store";
import { LoadState, PageTitle } from "../ui";
import { shortId, statusLabel } from "./orders";

/** The moves the API allows from each status (PLACED → PAID → SHIPPED, or CANCELLED before shipping). */
const nextStatuses: Record<OrderStatus, OrderStatus[]> = {
  PLACED: ["PAID", "CANCELLED"],
  PAID: ["SHIPPED", "CANCELLED"],
  SHIPPED: [],
  CANCELLED: [],
};
const actionLabel: Record<OrderStatus, string> = {
  PLACED: "Mark placed",
  PAID: "Mark paid",
  SHIPPED: "Mark shipped",
  CANCELLED: "Cancel order",
};

export function AdminOrdersPage() {
  const { api, auth } = useShop();
  const user = useStore(auth.user);
  const [query, setQuery] = useState({ q: "", status: "" as OrderStatus | "" });
  const [draft, setDraft] = useState(query);
  const [updated, setUpdated] = useState<Record<string, Order>>({});
  const [message, setMessage] = useState("");
  // The order just changed: its pressed button is gone, so the focus moves to what comes next in its row.
  const [changedOrderId, setChangedOrderId] = useState<string | null>(null);
  useEffect(() => {
    if (!changedOrderId) return;
    setChangedOrderId(null);
    // Only when the focus was lost with the button (not if the admin has moved on meanwhile).
    if (document.activeElement && document.activeElement !== document.body) return;
    const row = document.querySelector(`tr[data-order-id="${CSS.escape(changedOrderId)}"]`);
    (row?.querySelector("button") ?? row?.querySelector<HTMLElement>("[data-focus-after-change]"))?.focus();
  }, [changedOrderId]);
  const [results, retry] = useLoad(
    () => api.searchOrders({ q: query.q, status: query.status || undefined }),
    [query.q, query.status, user?.sub],
  );

  if (!user?.groups.includes(adminGroup))
    return (
      <>
        <PageTitle title="Orders admin">Orders admin</PageTitle>
        <p>This page is for shop staff. Sign in with a staff account to use it.</p>
      </>
    );

  const change = async (order: Order, status: OrderStatus) => {
    setMessage("");
    try {
      const next = await api.updateOrderStatus(order.orderId, status);
      setUpdated((u) => ({ ...u, [order.orderId]: next }));
      setChangedOrderId(order.orderId);
      setMessage(`Order ${shortId(order.orderId)} is now ${statusLabel[next.status].toLowerCase()}.`);
    } catch (error) {
      setMessage(`Order ${shortId(order.orderId)} was not changed: ${describeError(error)}`);
    }
  };

  return (
    <>
      <PageTitle title="Orders admin">Orders admin</PageTitle>
      <p>
        <Link href="/admin/reports">Store reports</Link>
      </p>
      <form
        role="search"
        aria-label="Orders"
        class="admin-search"
        onSubmit={(e) => {
          e.preventDefault();
          // Fresh answers every time, also for the same criteria (new orders, changes by others).
          setUpdated({});
          if (draft.q === query.q && draft.status === query.status) retry();
          else setQuery(draft);
        }}
      >
        <label>
          Search orders{" "}
          <input
            type="search"
            value={draft.q}
            placeholder="order id, customer, product"
            onInput={(e) => setDraft({ ...draft, q: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label>
          Status{" "}
          <select
            value={draft.status}
            onChange={(e) =>
              setDraft({ ...draft, status: (e.currentTarget as HTMLSelectElement).value as OrderStatus | "" })
            }
          >
            <option value="">Any</option>
            {(Object.keys(statusLabel) as OrderStatus[]).map((s) => (
              <option key={s} value={s}>
                {statusLabel[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Find orders</button>
      </form>
      <p role="status">{message}</p>
      <LoadState loaded={results} retry={retry}>
        {({ orders, total }) =>
          orders.length === 0 ? (
            <p>No orders match.</p>
          ) : (
            <>
              {/* The search answers one page (newest first) with the total of all that match. */}
              {orders.length < total ? (
                <p class="hint">
                  Narrow the search to find the others: an order id, a customer, a product or a status.
                </p>
              ) : null}
              <table class="lines admin">
                <caption>
                  {orders.length < total
                    ? `The ${orders.length} newest of ${total} orders`
                    : total === 1
                      ? "1 order"
                      : `${total} orders`}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Order</th>
                    <th scope="col">Placed</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Total</th>
                    <th scope="col">Status</th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {orders.map((found) => {
                    const o = updated[found.orderId] ?? found;
                    return (
                      <tr key={o.orderId} data-order-id={o.orderId}>
                        <td data-label="Order">{shortId(o.orderId)}</td>
                        <td data-label="Placed">{formatDate(o.createdAt)}</td>
                        <td data-label="Customer" class="wrap">
                          {o.customerId}
                        </td>
                        <td data-label="Total">{formatPrice(o.totalCents)}</td>
                        <td data-label="Status" tabIndex={-1} data-focus-after-change>
                          {statusLabel[o.status]}
                        </td>
                        <td data-label="Change">
                          {nextStatuses[o.status].map((s) => (
                            <button
                              key={s}
                              type="button"
                              class={s === "CANCELLED" ? "secondary" : ""}
                              aria-label={`${actionLabel[s]}: order ${shortId(o.orderId)}`}
                              onClick={() => change(o, s)}
                            >
                              {actionLabel[s]}
                            </button>
                          ))}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )
        }
      </LoadState>
    </>
  );
}
