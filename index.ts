// The e-commerce platform: composes the components from the stack's config and exports
// what operators and the storefront need. `pulumi up` per stack (dev, prod).
import * as aws from "@pulumi/aws";
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { Analytics } from "./components/analytics";
import { Api } from "./components/api";
import { Auth } from "./components/auth";
import { Catalog } from "./components/catalog";
import { loadConfig } from "./components/config";
import { Ingestion, lakeEventsPrefix, quarantinePrefix } from "./components/ingestion";
import { Monitoring } from "./components/monitoring";
import { Orders } from "./components/orders";
import { Storefront } from "./components/storefront";

const config = loadConfig();

// Explicit providers carry the region and the default tags from stack config to every
// resource, so nothing depends on the machine's ambient AWS settings.
const awsProvider = new aws.Provider("aws", {
  region: config.region as aws.Region,
  profile: config.awsProfile,
  defaultTags: { tags: config.tags },
});
const awsNativeProvider = new awsNative.Provider("aws-native", {
  region: config.region as awsNative.Region,
  profile: config.awsProfile,
  defaultTags: { tags: config.tags },
});
const opts = { providers: [awsProvider, awsNativeProvider] };

// The storefront's CSP names the API's origin, and the API's CORS origin is the storefront's
// domain: the API's id comes first (the Api puts its definition after), handed back here.
const [apiOrigin, resolveApiOrigin] = pulumi.deferredOutput<string>();
const storefront = new Storefront("storefront", { config, apiOrigin }, opts);
const auth = new Auth("auth", { config, storefrontUrl: storefront.url }, opts);
const ingestion = new Ingestion("ingestion", { config, allowedOrigin: storefront.url }, opts);
const orders = new Orders("orders", { config, allowedOrigin: storefront.url }, opts);
const catalog = new Catalog(
  "catalog",
  {
    config,
    products: orders.tables.products,
    inventory: orders.tables.inventory,
    allowedOrigin: storefront.url,
  },
  opts,
);
// Athena over the lake: tables, the workgroup with the named queries, the analyst policy, the admin pages' reports.
const analytics = new Analytics(
  "analytics",
  {
    config,
    lake: {
      bucketName: ingestion.lakeBucket.name,
      bucketArn: ingestion.lakeBucket.arn,
      keyArn: ingestion.key.arn,
      layout: { eventsPrefix: lakeEventsPrefix, quarantinePrefix },
    },
    allowedOrigin: storefront.url,
  },
  opts,
);
// The API is assembled from the routes the components declare: POST /events, /products, /orders...
const api = new Api(
  "api",
  {
    config,
    userPoolArn: auth.userPool.arn,
    allowedOrigin: storefront.url,
    routes: [
      ...ingestion.routes,
      ...catalog.routes,
      ...orders.routes,
      ...orders.recommendations.routes,
      ...analytics.routes,
    ],
  },
  opts,
);
resolveApiOrigin(api.origin);

// Alarms and the dashboard cover every moving part each component lists.
const monitoring = new Monitoring(
  "monitoring",
  {
    config,
    targets: [
      storefront.monitoring,
      api.monitoring,
      ingestion.monitoring,
      catalog.monitoring,
      orders.monitoring,
      analytics.monitoring,
    ],
  },
  opts,
);

storefront.publishRuntimeConfig({
  apiUrl: api.url,
  region: config.region,
  userPoolId: auth.userPool.id,
  userPoolClientId: auth.client.id,
  hostedUiUrl: auth.hostedUiUrl,
});

export const region = config.region;
export const storefrontUrl = storefront.url;
export const storefrontBucket = storefront.bucket.name;
export const distributionId = storefront.distribution.id;
export const apiUrl = api.url;
export const userPoolId = auth.userPool.id;
export const userPoolClientId = auth.client.id;
export const hostedUiUrl = auth.hostedUiUrl;
export const clickstreamStream = ingestion.stream.name;
export const clickstreamDeliveryStream = ingestion.deliveryStream.name;
export const dataLakeBucket = ingestion.lakeBucket.name;
export const clickstreamDeadLetterQueue = ingestion.deadLetterQueue.url;
// "disabled" rather than an undefined output when personalizeMode is disabled.
export const personalizeTrackingId = ingestion.trackingId ?? "disabled";
export const ordersTable = orders.tables.orders.name;
export const searchEndpoint = orders.searchEndpoint;
export const searchIndexerDeadLetterQueue = orders.deadLetterQueue.url;
export const analyticsDatabase = analytics.databaseName;
export const analyticsWorkgroup = analytics.workgroupName;
export const analyticsResultsBucket = analytics.athena.resultsBucket.name;
export const analystPolicyArn = analytics.analystPolicy.arn;
export const dashboardUrl = monitoring.dashboardUrl;
export const alarmTopicArn = monitoring.alarmTopicArn;
