import { useEffect } from "preact/hooks";
import { useLoad } from "../async";
import { searchProducts } from "../search";
import { useShop } from "../shop";
import { LoadState, PageTitle, ProductGrid } from "../ui";

export function SearchPage({ query }: { query: string }) {
  const { api, tracker } = useShop();
  const [results, retry] = useLoad(async () => searchProducts(await api.allProducts(), query), [query]);
  useEffect(() => {
    if (results.state === "ready" && query.trim())
      tracker.track("search", { properties: { query: query.slice(0, 256), results: results.value.length } });
  }, [results.state, query]);
  if (!query.trim())
    return (
      <>
        <PageTitle title="Search">Search</PageTitle>
        <p>Type what you are looking for in the search box above, for example “mug” or “rain jacket”.</p>
      </>
    );
  return (
    <>
      <PageTitle title={`Search: ${query}`}>Results for “{query}”</PageTitle>
      <LoadState loaded={results} retry={retry}>
        {(products) =>
          products.length === 0 ? (
            <p role="status">No products match “{query}”. Try another word.</p>
          ) : (
            <>
              <p role="status">{products.length === 1 ? "1 product" : `${products.length} products`}</p>
              <ProductGrid products={products} label="Search results" />
            </>
          )
        }
      </LoadState>
    </>
  );
}
