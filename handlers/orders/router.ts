// Routes an API Gateway REST proxy event by its resource and method. API Gateway sends the
// resource template ("/orders/{orderId}") in `event.resource`; each resource also has an ANY
// method reaching this function, so a wrong method arrives here and is answered with 405.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { corsAllowedHeaders, corsMaxAgeSeconds, routeTable } from "../shared/http";
import { type Caller, callerOf } from "./caller";
import { orderRoutes } from "./contract";
import { createOrderRoute } from "./create";
import type { OrdersDependencies } from "./dependencies";
import { HttpError } from "./errors";
import { getOrderRoute } from "./get";
import { listOrdersRoute } from "./list";
import { errorResponse } from "./responses";
import { searchOrdersRoute } from "./search";
import { updateOrderStatusRoute } from "./status";

type Route = (event: APIGatewayProxyEvent, caller: Caller, context: Context) => Promise<APIGatewayProxyResult>;

export function createOrdersApi(deps: OrdersDependencies) {
  const routes = routeTable<typeof orderRoutes, Route>(orderRoutes, {
    createOrder: createOrderRoute(deps),
    listMyOrders: listOrdersRoute(deps),
    getOrder: getOrderRoute(deps),
    updateOrderStatus: updateOrderStatusRoute(deps),
    searchOrders: searchOrdersRoute(deps),
  });
  const options = { allowedOrigin: deps.allowedOrigin };

  async function route(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    const methods = routes[event.resource];
    if (!methods)
      throw new HttpError(404, "no such route", [
        { path: "resource", message: `${event.httpMethod} ${event.path} is not a route` },
      ]);
    const allowed = Object.keys(methods);
    if (event.httpMethod === "OPTIONS") {
      // A CORS preflight that reaches us (via ANY) gets its answer without needing a caller.
      return {
        statusCode: 204,
        headers: {
          "Access-Control-Allow-Origin": deps.allowedOrigin,
          "Access-Control-Allow-Methods": [...allowed, "OPTIONS"].join(", "),
          "Access-Control-Allow-Headers": corsAllowedHeaders.join(","),
          "Access-Control-Max-Age": String(corsMaxAgeSeconds),
        },
        body: "",
      };
    }
    const handle = methods[event.httpMethod];
    if (!handle) {
      throw new HttpError(
        405,
        `method ${event.httpMethod} is not allowed here`,
        [{ path: "method", message: `use ${allowed.join(" or ")}` }],
        {
          Allow: [...allowed, "OPTIONS"].join(", "),
        },
      );
    }
    return handle(event, callerOf(event), context);
  }

  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    try {
      return await route(event, context);
    } catch (err) {
      if (err instanceof HttpError) {
        deps.metrics.addMetric(err.statusCode < 500 ? "ClientError" : "ServerError", MetricUnit.Count, 1);
        deps.logger.info("request refused", { statusCode: err.statusCode, error: err.message, details: err.details });
        return errorResponse(err.statusCode, err.message, err.details, { ...options, headers: err.headers });
      }
      deps.metrics.addMetric("ServerError", MetricUnit.Count, 1);
      deps.logger.error("request failed", { error: err as Error });
      return errorResponse(
        500,
        "internal error",
        [{ path: "", message: `request id ${context.awsRequestId}` }],
        options,
      );
    }
  };
}
