// What every page shares: the API, sign-in, the cart and the tracker, made once at start.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { ShopApi } from "./api";
import type { Auth } from "./auth";
import type { Cart } from "./cart";
import type { Tracker } from "./tracker";

export interface Shop {
  api: ShopApi;
  auth: Auth;
  cart: Cart;
  tracker: Tracker;
}

export const ShopContext = createContext<Shop | null>(null);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error("useShop outside <ShopContext.Provider>");
  return shop;
}
