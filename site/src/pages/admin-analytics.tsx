// The store's reports for staff: the funnel (sessions reaching each step, as <progress> bars
// and as a table) and the top products, from the latest answers of the named queries. A report
// being prepared is asked for again when the API says (its Retry-After), for two minutes at most.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Report } from "../api";
import { type Loaded, useLoad } from "../async";
import { adminGroup } from "../auth";
import { formatDate } from "../format";
import { Link } from "../router";
import { useShop } from "../shop";
import { useStore } from "../store";
import { LoadState, PageTitle } from "../ui";

type ReadyReport = Extract<Report, { state: "ready" }>;

const stepLabel: Record<string, string> = {
  product_view: "Viewed a product",
  add_to_cart: "Added to cart",
  checkout_start: "Started checkout",
  purchase: "Bought",
};
const percent = (rate: unknown) => (typeof rate === "number" ? `${Math.round(rate * 1000) / 10}%` : "–");

/** When a "being prepared" answer carries no Retry-After, the page asks again after this long. */
const defaultAskAgainSeconds = 5;
/** The page stops asking (and says so) once a report has been in preparation this long. */
const maxPreparingMs = 120_000;

/**
 * Loads a report, asking again after the API's Retry-After (at least 1 s) while it is being
 * prepared, and stopping once the next ask would be more than two minutes after the first
 * "being prepared". Between asks the page keeps saying "being prepared", not "Loading…".
 */
function useReport(name: string, user: unknown) {
  const { api } = useShop();
  const [loaded, retry] = useLoad(() => api.report(name), [name, user]);
  const preparingSince = useRef<number | undefined>(undefined);
  const lastPreparing = useRef<Loaded<Report> | undefined>(undefined);
  const [tookTooLong, setTookTooLong] = useState(false);
  const preparing = loaded.state === "ready" && loaded.value.state === "running";
  if (preparing) lastPreparing.current = loaded;
  else if (loaded.state !== "loading") {
    lastPreparing.current = undefined;
    preparingSince.current = undefined;
  }
  useEffect(() => {
    if (loaded.state !== "ready" || loaded.value.state !== "running") return;
    const now = Date.now();
    preparingSince.current ??= now;
    const waitMs = Math.max(1, loaded.value.retryAfterSeconds ?? defaultAskAgainSeconds) * 1000;
    if (now + waitMs - preparingSince.current > maxPreparingMs) {
      setTookTooLong(true);
      return;
    }
    const timer = setTimeout(retry, waitMs);
    return () => clearTimeout(timer);
  }, [loaded]);
  const askAgain = () => {
    preparingSince.current = undefined;
    setTookTooLong(false);
    retry();
  };
  const shown = loaded.state === "loading" && lastPreparing.current ? lastPreparing.current : loaded;
  return [shown, askAgain, tookTooLong] as const;
}

function AsOf({ report }: { report: ReadyReport }) {
  return (
    <p class="muted">
      Sessions since {report.since}; computed {formatDate(report.computedAt)}
      {report.refreshing ? " (a newer answer is being prepared)" : ""}.
    </p>
  );
}

function FunnelChart({ rows }: { rows: ReadyReport["rows"] }) {
  const max = Math.max(1, ...rows.map((r) => Number(r.sessions)));
  // The table below carries the same numbers: the drawing is a picture of it. Its text is the
  // page's own, so it stays readable on a phone (an SVG scaled to 375 px shrank it to 7 px), and
  // the bars are <progress> elements: no inline style, which the site's CSP does not allow.
  return (
    <div
      class="funnel"
      role="img"
      aria-label={rows
        .map((r) => `${stepLabel[String(r.event_type)] ?? r.event_type}: ${r.sessions} sessions`)
        .join("; ")}
    >
      {rows.map((r) => (
        <div class="funnel-row" key={String(r.step)}>
          <span class="funnel-label">{stepLabel[String(r.event_type)] ?? String(r.event_type)}</span>
          <progress max={max} value={Number(r.sessions)} />
          <span class="funnel-value">{String(r.sessions)}</span>
        </div>
      ))}
    </div>
  );
}

function Preparing({ tookTooLong, askAgain }: { tookTooLong: boolean; askAgain: () => void }) {
  if (!tookTooLong) return <p role="status">This report is being prepared. It appears here in a moment.</p>;
  return (
    <div class="notice" role="alert">
      <p>This report is taking longer than usual to prepare. Ask again in a few minutes.</p>
      <button type="button" onClick={askAgain}>
        Ask again
      </button>
    </div>
  );
}

function FunnelReport({ user }: { user: unknown }) {
  const [loaded, retry, tookTooLong] = useReport("funnel", user);
  return (
    <section aria-labelledby="funnel-title">
      <h2 id="funnel-title">Funnel</h2>
      <LoadState loaded={loaded} retry={retry}>
        {(report) =>
          report.state === "running" ? (
            <Preparing tookTooLong={tookTooLong} askAgain={retry} />
          ) : (
            <>
              <AsOf report={report} />
              <FunnelChart rows={report.rows} />
              <ReportTable
                caption="Sessions reaching each step (each counts only sessions that reached the steps before)"
                columns={["Step", "Sessions", "Of previous step", "Of first step"]}
                rows={report.rows}
                rowKey={(r) => String(r.step)}
                rowHeader={(r) => stepLabel[String(r.event_type)] ?? String(r.event_type)}
                cells={(r) => [String(r.sessions), percent(r.rate_from_previous), percent(r.rate_from_first)]}
              />
            </>
          )
        }
      </LoadState>
    </section>
  );
}

/** A report's rows as a table: the first column names the row, the others are its figures. */
function ReportTable<Row>(props: {
  caption: string;
  columns: string[];
  rows: Row[];
  rowKey: (row: Row) => string;
  rowHeader: (row: Row) => ComponentChildren;
  cells: (row: Row) => ComponentChildren[];
}) {
  return (
    <table class="lines report">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={props.rowKey(r)}>
            <th scope="row">{props.rowHeader(r)}</th>
            {/* data-label: on a phone the header row is hidden and each figure shows its column's name. */}
            {props.cells(r).map((cell, i) => (
              <td key={props.columns[i + 1]} data-label={props.columns[i + 1]}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TopProductsReport({ user }: { user: unknown }) {
  const { api } = useShop();
  const [loaded, retry, tookTooLong] = useReport("top-products", user);
  const [catalog] = useLoad(() => api.allProducts(), []);
  const nameOf = (sku: string) =>
    (catalog.state === "ready" ? catalog.value.find((p) => p.sku === sku)?.name : undefined) ?? sku;
  return (
    <section aria-labelledby="top-title">
      <h2 id="top-title">Top products</h2>
      <LoadState loaded={loaded} retry={retry}>
        {(report) =>
          report.state === "running" ? (
            <Preparing tookTooLong={tookTooLong} askAgain={retry} />
          ) : report.rows.length === 0 ? (
            <p>No product was viewed in this period.</p>
          ) : (
            <>
              <AsOf report={report} />
              <ReportTable
                caption="Most purchased first, then most added to cart, then most viewed"
                columns={["Product", "Views", "Added to cart", "Purchases"]}
                rows={report.rows}
                rowKey={(r) => String(r.item_id)}
                rowHeader={(r) => (
                  <Link href={`/product/${encodeURIComponent(String(r.item_id))}`}>{nameOf(String(r.item_id))}</Link>
                )}
                cells={(r) => [String(r.views), String(r.adds), String(r.purchases)]}
              />
            </>
          )
        }
      </LoadState>
    </section>
  );
}

export function AdminReportsPage() {
  const { auth } = useShop();
  const user = useStore(auth.user);
  if (!user?.groups.includes(adminGroup))
    return (
      <>
        <PageTitle title="Store reports">Store reports</PageTitle>
        <p>This page is for shop staff. Sign in with a staff account to use it.</p>
      </>
    );
  return (
    <>
      <PageTitle title="Store reports">Store reports</PageTitle>
      <p>
        <Link href="/admin/orders">Orders admin</Link>
      </p>
      <FunnelReport user={user.sub} />
      <TopProductsReport user={user.sub} />
    </>
  );
}
