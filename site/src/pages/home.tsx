import { useShop } from "../shop";
import { useLoad } from "../async";
import { categoryLabel } from "../format";
import { Recommendations } from "../recommendations";
import { Link } from "../router";
import { LoadState, PageTitle, ProductGrid } from "../ui";

export function HomePage() {
  const { api } = useShop();
  const [catalog, retry] = useLoad(() => api.allProducts(), []);
  return (
    <>
      <PageTitle title="Home">Everyday things, made well</PageTitle>
      <LoadState loaded={catalog} retry={retry}>
        {(products) => {
          const categories = [...new Set(products.map((p) => p.category))].sort();
          return (
            <>
              <section aria-labelledby="categories-heading">
                <h2 id="categories-heading">Shop by category</h2>
                <ul class="categories">
                  {categories.map((c) => (
                    <li key={c}>
                      <Link href={`/category/${encodeURIComponent(c)}`}>{categoryLabel(c)}</Link>
                    </li>
                  ))}
                </ul>
              </section>
              <Recommendations placement="home" />
              <section aria-labelledby="all-heading">
                <h2 id="all-heading">All products</h2>
                <ProductGrid products={products} label="All products" headingLevel={3} />
              </section>
            </>
          );
        }}
      </LoadState>
    </>
  );
}
