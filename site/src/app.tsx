// The shop's frame (header with search, cart, orders and sign-in; the page; a footer) and the
// routes. Every navigation is a page_view.
import { useEffect, useState } from "preact/hooks";
import { adminGroup, type SignInOutcome } from "./auth";
import { AdminOrdersPage } from "./pages/admin";
import { AdminReportsPage } from "./pages/admin-analytics";
import { CartPage } from "./pages/cart";
import { CategoryPage, sortFrom } from "./pages/category";
import { CheckoutPage } from "./pages/checkout";
import { HomePage } from "./pages/home";
import { OrderPage, OrdersPage, SignedIn } from "./pages/orders";
import { ProductPage } from "./pages/product";
import { SearchPage } from "./pages/search";
import { Link, match, navigate, useLocation, type Location } from "./router";
import { useShop } from "./shop";
import { useStore } from "./store";
import { PageTitle } from "./ui";

function Page({ location }: { location: Location }) {
  const { path, query } = location;
  let params: Record<string, string> | null;
  if (path === "/") return <HomePage />;
  if ((params = match("/category/:category", path)))
    return <CategoryPage category={params.category} sort={sortFrom(query.get("sort"))} />;
  // Keyed by sku: another product (a recommendation, Back) is a new page, not the last one's quantity and message.
  if ((params = match("/product/:sku", path))) return <ProductPage key={params.sku} sku={params.sku} />;
  if (path === "/search") return <SearchPage query={query.get("q") ?? ""} />;
  if (path === "/cart") return <CartPage />;
  if (path === "/checkout") return <CheckoutPage />;
  if (path === "/orders")
    return (
      <SignedIn title="Your orders">
        <OrdersPage />
      </SignedIn>
    );
  if ((params = match("/orders/:orderId/confirmation", path)) || (params = match("/orders/:orderId", path)))
    return (
      <SignedIn title="Your order">
        <OrderPage orderId={params.orderId} confirmation={path.endsWith("/confirmation")} />
      </SignedIn>
    );
  if (path === "/admin/orders") return <AdminOrdersPage />;
  if (path === "/admin/reports") return <AdminReportsPage />;
  return (
    <>
      <PageTitle title="Not found">Page not found</PageTitle>
      <p>
        There is nothing here. <Link href="/">Go to the shop</Link>
      </p>
    </>
  );
}

function SearchBox() {
  const location = useLocation();
  const shownQuery = location.path === "/search" ? (location.query.get("q") ?? "") : undefined;
  const [text, setText] = useState(shownQuery ?? "");
  // Back and Forward between searches: the box says what the results on the page are for.
  useEffect(() => {
    if (shownQuery !== undefined) setText(shownQuery);
  }, [shownQuery]);
  return (
    <form
      role="search"
      aria-label="Products"
      class="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) navigate(`/search?q=${encodeURIComponent(text.trim())}`);
      }}
    >
      <label for="site-search" class="visually-hidden">
        Search
      </label>
      <input
        id="site-search"
        type="search"
        name="q"
        value={text}
        placeholder="Search products"
        onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit" class="secondary">
        Go
      </button>
    </form>
  );
}

function Header() {
  const { auth, cart, tracker } = useShop();
  const user = useStore(auth.user);
  const lines = useStore(cart.lines);
  const count = lines.reduce((sum, l) => sum + l.quantity, 0);
  const [busy, setBusy] = useState(false);
  return (
    <header class="site-header">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Link href="/" class="brand">
        Storefront
      </Link>
      <SearchBox />
      <nav aria-label="Account">
        <ul>
          <li>
            <Link href="/cart">
              Cart <span class="badge">({count})</span>
            </Link>
          </li>
          <li>
            <Link href="/orders">Orders</Link>
          </li>
          {user?.groups.includes(adminGroup) ? (
            <li>
              <Link href="/admin/orders">Admin</Link>
            </li>
          ) : null}
          <li>
            {user ? (
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={async () => {
                  setBusy(true);
                  // Send what was seen while signed in with the token, before it is revoked.
                  await tracker.flush();
                  await auth.signOut().catch(() => setBusy(false));
                }}
              >
                Sign out
              </button>
            ) : (
              <button type="button" onClick={() => auth.signIn()}>
                Sign in
              </button>
            )}
          </li>
        </ul>
        {user ? <p class="who">Signed in as {user.email}</p> : null}
      </nav>
    </header>
  );
}

/** Why the last sign-in did not complete: on the page it returned to, until the shopper moves on. */
function SignInNotice({ outcome }: { outcome: SignInOutcome }) {
  const { auth } = useShop();
  const { path } = useLocation();
  const [shownOn] = useState(path);
  const [shown, setShown] = useState(outcome.kind === "failed");
  // Another page is the shopper moving on: the notice is about the sign-in, not about that page.
  useEffect(() => {
    if (path !== shownOn) setShown(false);
  }, [path]);
  if (!shown || outcome.kind !== "failed") return null;
  return (
    <div class="notice error" role="alert">
      <p>{outcome.message}</p>
      <button type="button" onClick={() => auth.signIn("/")}>
        Try signing in again
      </button>{" "}
      <button type="button" class="secondary" onClick={() => setShown(false)}>
        Continue without signing in
      </button>
    </div>
  );
}

export function App({ outcome }: { outcome: SignInOutcome }) {
  const { tracker } = useShop();
  const location = useLocation();
  useEffect(() => {
    tracker.track("page_view", { properties: { path: location.path } });
  }, [location.path, location.query.toString()]);
  return (
    <>
      <Header />
      <main id="main">
        <SignInNotice outcome={outcome} />
        <Page location={location} />
      </main>
      <footer class="site-footer">
        <p>Free returns within 30 days · Questions? Write to the shop.</p>
      </footer>
    </>
  );
}
