// Routes an API Gateway REST proxy event by its resource and method. API Gateway sends the
// resource template ("/orders/{orderId}") in `event.resource`; each resource also has an ANY
// method reaching this function, so a wrong method arrives here and is answered with 405.
// GET /orders/search is OrderSearch's (handlers/orders-search), not this function's.
import { type SignedInRoute, signedInApi } from "../lib/signed-in-api";
import { routeTable } from "../shared/http";
import { orderRoutes } from "./contract";
import { createOrderRoute } from "./create";
import type { OrdersDependencies } from "./dependencies";
import { getOrderRoute } from "./get";
import { listOrdersRoute } from "./list";
import { updateOrderStatusRoute } from "./status";

export function createOrdersApi(deps: OrdersDependencies) {
  const routes = routeTable<typeof orderRoutes, SignedInRoute>(orderRoutes, {
    createOrder: createOrderRoute(deps),
    listMyOrders: listOrdersRoute(deps),
    getOrder: getOrderRoute(deps),
    updateOrderStatus: updateOrderStatusRoute(deps),
  });
  return signedInApi(routes, deps);
}
