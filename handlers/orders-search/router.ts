// Routes an API Gateway REST proxy event of OrderSearch by its resource and method: the one
// contract route, and an ANY method on its path that brings any other verb here for a 405.
import { type SignedInRoute, signedInApi } from "../lib/signed-in-api";
import { routeTable } from "../shared/http";
import { orderSearchRoutes } from "./contract";
import type { OrderSearchDependencies } from "./dependencies";
import { searchOrdersRoute } from "./search";

export function createOrderSearchApi(deps: OrderSearchDependencies) {
  const routes = routeTable<typeof orderSearchRoutes, SignedInRoute>(orderSearchRoutes, {
    searchOrders: searchOrdersRoute(deps),
  });
  return signedInApi(routes, deps);
}
