const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** Integer cents as the shopper reads them, e.g. 1800 -> "$18.00". */
export function formatPrice(cents: number): string {
  return money.format(cents / 100);
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}

/** "apparel" -> "Apparel", "home-office" -> "Home office". */
export function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
