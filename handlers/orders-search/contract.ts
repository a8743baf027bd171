// The seam between the Orders component and OrderSearch (no SDK or Pulumi imports): the
// environment the component builds and the handler parses, the telemetry names, and the one
// route the Api deploys, the router dispatches and local mode serves. A function of its own so
// that the one taking shoppers' orders holds no OpenSearch grant and loads no request signer.
import * as z from "../lib/zod";
import { type HandlerContract, telemetryEnvironment } from "../lib/environment";
import { queryParameters, type RouteContracts } from "../shared/http";
import { searchOrdersQuerySchema } from "../shared/order";

export const title = "OrderSearch";
export const serviceName = "orders-search";
/** The order path's namespace: its metrics sit beside OrderProcessing's, told apart by service. */
export const metricsNamespace = "Ecommerce/Orders";

export const environmentSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  /** The OpenSearch domain's endpoint, https only (requests are SigV4-signed for "es"). */
  OPENSEARCH_ENDPOINT: z.url({ protocol: /^https$/, error: "OPENSEARCH_ENDPOINT must be an https:// URL" }),
  /** The storefront origin, sent as Access-Control-Allow-Origin. */
  ALLOWED_ORIGIN: z.string().check(z.minLength(1)),
  ...telemetryEnvironment(serviceName, metricsNamespace),
});
export type OrderSearchEnvironment = z.infer<typeof environmentSchema>;

export const orderSearchContract = {
  title,
  serviceName,
  metricsNamespace,
  environmentSchema,
} satisfies HandlerContract<typeof environmentSchema>;

/** Behind the Cognito authorizer: a customer finds their own orders, the admin group every order. */
export const orderSearchRoutes = {
  searchOrders: {
    method: "GET",
    path: "/orders/search",
    authorization: "cognito",
    optionalQuery: queryParameters(searchOrdersQuerySchema),
  },
} as const satisfies RouteContracts;
