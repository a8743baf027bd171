// Recommendations on a page: "Customers also bought" for a product, "Recommended for you" for a
// signed-in shopper, "Popular right now" for anyone else. A nicety, never in the way: while it
// loads, when it fails or when there is nothing to show, the section is simply not there.
// A click on one opens the product with where it came from in the URL (`rec`, `placement`), so
// the product page's product_view carries the recommendation's source into the clickstream
// (flat `properties`: the shared contract needs no new field) and a new tab keeps it too.
import type { Product, RecommendationSource, RecommendationsResponse } from "./api";
import { useLoad } from "./async";
import { formatPrice } from "./format";
import { Link, type Location } from "./router";
import { useShop } from "./shop";
import { useStore } from "./store";

export type RecommendationPlacement = "product" | "cart" | "home";

/** The sources the API names (handlers/recommendations/contract.ts), as the URL may carry them. */
const knownSources: readonly RecommendationSource[] = ["personalize", "co-purchase", "popular", "catalog"];
const placements: readonly RecommendationPlacement[] = ["product", "cart", "home"];

export function recommendationHref(
  sku: string,
  source: RecommendationSource,
  placement: RecommendationPlacement,
): string {
  return `/product/${encodeURIComponent(sku)}?${new URLSearchParams({ rec: source, placement })}`;
}

/** The product_view properties of a page opened from a recommendation (none when it was not). */
export function recommendationProperties(location: Location): Record<string, string> {
  const source = location.query.get("rec") as RecommendationSource | null;
  const placement = location.query.get("placement") as RecommendationPlacement | null;
  if (!source || !knownSources.includes(source)) return {};
  return {
    recommendation_source: source,
    ...(placement && placements.includes(placement) ? { recommendation_placement: placement } : {}),
  };
}

const headings: Record<"related" | "personal" | "popular", string> = {
  related: "Customers also bought",
  personal: "Recommended for you",
  popular: "Popular right now",
};

export function Recommendations({
  sku,
  placement,
  exclude = [],
}: {
  sku?: string;
  placement: RecommendationPlacement;
  exclude?: string[];
}) {
  const { api, auth } = useShop();
  const user = useStore(auth.user);
  const kind = sku ? "related" : user ? "personal" : "popular";
  const [loaded] = useLoad<RecommendationsResponse>(
    () => (kind === "personal" ? api.myRecommendations() : api.recommendations(sku)),
    [sku, kind],
  );
  if (loaded.state !== "ready") return null;
  const items = loaded.value.items.filter((p) => !exclude.includes(p.sku));
  if (items.length === 0) return null;
  const headingId = `recommendations-${placement}`;
  return (
    <section class="recommendations" aria-labelledby={headingId} data-source={loaded.value.source}>
      <h2 id={headingId}>{headings[kind]}</h2>
      <ul class="grid" aria-label={headings[kind]}>
        {items.map((p) => (
          <RecommendedCard key={p.sku} product={p} href={recommendationHref(p.sku, loaded.value.source, placement)} />
        ))}
      </ul>
    </section>
  );
}

function RecommendedCard({ product, href }: { product: Product; href: string }) {
  return (
    <li class="card">
      <img src={product.image} alt="" width={240} height={240} loading="lazy" decoding="async" />
      <h3 class="card-title">
        <Link href={href}>{product.name}</Link>
      </h3>
      <p class="price">{formatPrice(product.priceCents)}</p>
    </li>
  );
}
