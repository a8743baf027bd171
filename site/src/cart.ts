// The cart: sku and quantity per line, kept in localStorage so it survives visits. It holds
// no prices: what the shopper sees is always the catalog's, and the API prices the order.
import { Store } from "./store";

export interface CartLine {
  sku: string;
  quantity: number;
}

const cartKey = "shop.cart";
export const maxQuantity = 100;

export class Cart {
  readonly lines: Store<CartLine[]>;

  constructor(private readonly storage: Storage = window.localStorage) {
    this.lines = new Store(this.load());
    // Another tab changed the cart: show the same one here.
    window.addEventListener("storage", (event) => {
      if (event.key === cartKey) this.lines.set(this.load());
    });
  }

  count(): number {
    return this.lines.get().reduce((sum, line) => sum + line.quantity, 0);
  }

  add(sku: string, quantity = 1): void {
    const lines = [...this.lines.get()];
    const existing = lines.find((line) => line.sku === sku);
    if (existing) existing.quantity = Math.min(maxQuantity, existing.quantity + quantity);
    else lines.push({ sku, quantity: Math.min(maxQuantity, quantity) });
    this.save(lines.map((line) => ({ ...line })));
  }

  setQuantity(sku: string, quantity: number): void {
    if (quantity <= 0) {
      this.remove(sku);
      return;
    }
    this.save(
      this.lines
        .get()
        .map((line) => (line.sku === sku ? { sku, quantity: Math.min(maxQuantity, Math.floor(quantity)) } : line)),
    );
  }

  remove(sku: string): void {
    this.save(this.lines.get().filter((line) => line.sku !== sku));
  }

  clear(): void {
    this.save([]);
  }

  private load(): CartLine[] {
    try {
      const parsed = JSON.parse(this.storage.getItem(cartKey) ?? "[]");
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((l) => typeof l?.sku === "string" && Number.isInteger(l?.quantity) && l.quantity > 0);
    } catch {
      return [];
    }
  }

  private save(lines: CartLine[]): void {
    this.storage.setItem(cartKey, JSON.stringify(lines));
    this.lines.set(lines);
  }
}
