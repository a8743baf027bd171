import { useState } from "preact/hooks";
import type { Product } from "../api";
import { describeError, useLoad } from "../async";
import { categoryLabel } from "../format";
import { navigate } from "../router";
import { useShop } from "../shop";
import { LoadState, PageTitle, ProductGrid, productHref, useFocusLinkOnceShown } from "../ui";

const sorts = ["name-asc", "price-asc", "price-desc"] as const;
type Sort = (typeof sorts)[number];
const pageSize = 24;

/** The sort lives in the address (?sort=), so Back from a product, a reload and a shared link keep it. */
export const sortFrom = (value: string | null): Sort => sorts.find((s) => s === value) ?? "name-asc";

export function CategoryPage({ category, sort }: { category: string; sort: Sort }) {
  const { api } = useShop();
  const setSort = (next: Sort) =>
    navigate(`/category/${encodeURIComponent(category)}${next === "name-asc" ? "" : `?sort=${next}`}`, {
      replace: true,
    });
  const [more, setMore] = useState<{ items: Product[]; cursor?: string; error?: string }>({ items: [] });
  const [by, order] = sort.split("-") as ["name" | "price", "asc" | "desc"];
  const [first, retry] = useLoad(async () => {
    const page = await api.listProducts({ category, sort: by, order, limit: pageSize });
    setMore({ items: [], cursor: page.nextCursor ?? undefined });
    return page.items;
  }, [category, sort]);
  // The first of the products just shown takes the focus: the button may be gone (the last page).
  const focusFirstShown = useFocusLinkOnceShown(".grid");
  const loadMore = async () => {
    try {
      const page = await api.listProducts({ category, sort: by, order, limit: pageSize, cursor: more.cursor });
      setMore({ items: [...more.items, ...page.items], cursor: page.nextCursor ?? undefined });
      focusFirstShown(page.items[0] && productHref(page.items[0].sku));
    } catch (error) {
      setMore({ ...more, error: describeError(error) });
    }
  };
  const label = categoryLabel(category);
  return (
    <>
      <PageTitle title={label}>{label}</PageTitle>
      <label class="inline">
        Sort by{" "}
        <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as Sort)}>
          <option value="name-asc">Name</option>
          <option value="price-asc">Price, low to high</option>
          <option value="price-desc">Price, high to low</option>
        </select>
      </label>
      <LoadState loaded={first} retry={retry}>
        {(items) =>
          items.length === 0 ? (
            <p>Nothing in this category yet.</p>
          ) : (
            <>
              <ProductGrid products={[...items, ...more.items]} label={`${label} products`} />
              {more.error ? <p role="alert">{more.error}</p> : null}
              {more.cursor ? (
                <button type="button" onClick={loadMore}>
                  Show more
                </button>
              ) : null}
            </>
          )
        }
      </LoadState>
    </>
  );
}
