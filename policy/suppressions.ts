// The pack's explicit exceptions: each names the policy, the resource (logical name or URN),
// optionally the one finding it covers, and why it is acceptable. They become the policy
// config `suppressions` (PolicyPack initial config), so they apply under `pulumi preview
// --policy-pack policy` as they do in `npm test` and `npm run policy`. Keep policy/README.md's
// table in step (a test checks it).
import type { PolicyPackConfig } from "@pulumi/policy";
import type { Suppression } from "./lib/define";

export interface PackSuppression extends Suppression {
  policy: string;
}

export const suppressions: PackSuppression[] = [
  {
    policy: "s3-acls-disabled",
    resource: "storefront-access-logs",
    reason:
      "CloudFront standard logging writes log objects with ACLs; the log bucket must keep ACLs enabled (BucketOwnerPreferred). Public ACLs stay blocked by its public-access block.",
  },
  {
    policy: "s3-server-access-logs",
    resource: "storefront-access-logs",
    reason:
      "It is the access-log bucket itself; logging it to itself would loop and logging it elsewhere adds a bucket with no reader.",
  },
  {
    policy: "apigateway-authorization",
    resource: "api-definition",
    detail: "GET /health",
    reason: "The health check is public by design: it is a mock integration returning a constant, touching no data.",
  },
  {
    policy: "apigateway-authorization",
    resource: "api-definition",
    detail: "POST /events",
    reason:
      "The clickstream collector must accept anonymous shoppers (no sign-in before browsing). It carries no identity (its template drops any userId; signed-in events go to POST /events/me behind the Cognito authorizer) and only writes to Kinesis through a fixed integration, after the request model (1-500 events of the shared schema) is validated, under its own route throttle.",
  },
  {
    policy: "apigateway-authorization",
    resource: "api-definition",
    detail: "GET /products",
    reason:
      "The catalog is public by design: shoppers browse before signing in. The route only reads the product listing (no customer data), validates its parameters, and is answered the same for everyone, so it is cached.",
  },
  {
    policy: "apigateway-authorization",
    resource: "api-definition",
    detail: "GET /products/{sku}",
    reason:
      "A product page is public by design, like the listing: it reads one product and its stock, holds no customer data, and is answered the same for everyone, so it is cached.",
  },
  {
    policy: "apigateway-authorization",
    resource: "api-definition",
    detail: "GET /recommendations",
    reason:
      '"Customers also bought" and popular items are public by design, like the catalog: shown before sign-in, answered the same for everyone from aggregates (no customer data, never an order), and cached. A shopper\'s own recommendations are GET /recommendations/me behind the Cognito authorizer.',
  },
  {
    policy: "iam-trust-policy-scoped",
    resource: "api-cloudwatch-role",
    reason:
      "API Gateway documents no condition key for the roles it assumes, and one it does not send would break stage logging. Only principals allowed iam:PassRole on the role can name it in API Gateway settings.",
  },
  {
    policy: "iam-trust-policy-scoped",
    resource: "ingestion-events-api-role",
    reason:
      "API Gateway documents no condition key for integration credentials, and one it does not send would refuse every POST /events. Only principals allowed iam:PassRole on the role can name it in an integration; the role may only PutRecords on this stream.",
  },
];

/** `suppressions` as the pack config CrossGuard hands each policy's getConfig(). */
export function suppressionConfig(list: PackSuppression[] = suppressions): PolicyPackConfig {
  const config: PolicyPackConfig = {};
  for (const { policy, ...suppression } of list) {
    const entry = (config[policy] ??= { suppressions: [] }) as { suppressions: Suppression[] };
    entry.suppressions.push(suppression);
  }
  return config;
}
