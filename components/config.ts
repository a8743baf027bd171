// Typed, validated stack config. Every key the program reads is declared once here, with
// its schema, description and per-stage default; Pulumi.yaml declares the same keys (a test
// keeps the two in step) and the README's config table is written from this list.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { personalizeArnPattern } from "../handlers/recommendations/contract";
import { derivedDomainPrefixProblem } from "./auth-domain-prefix";
import { tagEntries, tagProblem } from "./lib/aws-tags";
import { largestRecordInEventBytes, maxDeliverableBatchSize } from "./clickstream-limits";
import { deliversStandardLogsTo } from "./cloudfront-log-regions";
import { searchVolumeProblem } from "./search-volume-limits";

export const stages = ["dev", "prod"] as const;
export type Stage = (typeof stages)[number];

interface KeySpec<S extends z.ZodType> {
  schema: S;
  description: string;
  defaults: Record<Stage, z.infer<S>>;
}

/** One config key: its schema, what it does, and its default in dev and in prod. */
function key<S extends z.ZodType>(schema: S, description: string, dev: z.infer<S>, prod: z.infer<S> = dev): KeySpec<S> {
  return { schema, description, defaults: { dev, prod } };
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** CloudWatch Logs accepts only these retention periods. */
const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** The handler's own ARN check, or empty (not configured). */
const personalizeArnOrEmpty = z
  .string()
  .regex(new RegExp(`^$|${personalizeArnPattern.source}`), "a Personalize campaign or recommender ARN, or empty");
const searchInstanceType = z
  .string()
  .regex(/^[a-z0-9]+\.[a-z0-9]+\.search$/, "an OpenSearch instance type such as t3.small.search");

export const configKeys = {
  stage: key(z.enum(stages), "Deployment stage; selects the stage defaults of every other key.", "dev", "prod"),
  protectData: key(
    z.boolean(),
    "Protect stateful resources (tables, buckets with data, user pool, search domain): deletion protection, `protect` and `retainOnDelete`.",
    false,
    true,
  ),
  logRetentionDays: key(
    z
      .number()
      .refine((d) => (logRetentionDays as readonly number[]).includes(d), `one of ${logRetentionDays.join(", ")}`),
    "Retention of every log group, in days.",
    14,
    365,
  ),
  alarmEmails: key(z.array(z.email()), "E-mail addresses subscribed to the alarm topic.", []),

  storefrontPriceClass: key(
    z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]),
    "CloudFront price class of the storefront distribution.",
    "PriceClass_100",
    "PriceClass_All",
  ),
  storefrontSpaFallback: key(
    z.boolean(),
    "Answer 403/404 from the bucket with /index.html (single-page-app routing).",
    true,
  ),
  storefrontDomainName: key(
    z.string().regex(/^$|^(?=.{4,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, "a lower-case DNS name, or empty"),
    "Custom domain of the storefront (empty: the CloudFront domain). Needs storefrontHostedZoneId.",
    "",
  ),
  storefrontHostedZoneId: key(
    z.string().regex(/^$|^Z[A-Z0-9]{4,32}$/, "a Route 53 hosted zone id (Z...), or empty"),
    "Route 53 hosted zone of storefrontDomainName: the ACM certificate (us-east-1) is validated and the alias records written there.",
    "",
  ),
  storefrontAccessLogs: key(
    z.boolean(),
    "Write CloudFront access logs to a dedicated log bucket (refused in opt-in Regions, where CloudFront delivers none).",
    false,
    true,
  ),

  authMfa: key(
    z.enum(["OPTIONAL", "ON"]),
    "TOTP multi-factor authentication: OPTIONAL (users may enrol) or ON (required).",
    "OPTIONAL",
    "ON",
  ),
  authPasswordMinLength: key(int(8, 99), "Minimum password length (prod requires at least 12).", 10, 12),
  authPasswordRequireSymbols: key(
    z.boolean(),
    "Passwords need a symbol (lower/upper case and digits are always required).",
    false,
    true,
  ),
  authThreatProtection: key(
    z.enum(["OFF", "AUDIT", "ENFORCED"]),
    "Cognito threat protection mode; AUDIT or ENFORCED puts the user pool on the Plus feature plan.",
    "OFF",
    "ENFORCED",
  ),
  authAccessTokenMinutes: key(int(5, 1440), "Access and ID token validity, in minutes.", 60, 60),
  authRefreshTokenDays: key(int(1, 3650), "Refresh token validity, in days.", 30, 7),
  authDomainPrefix: key(
    z.string().regex(/^$|^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "lower-case letters, digits and hyphens, or empty"),
    "Hosted UI domain prefix (empty: <project>-<stack>-<account id>; set it where that would be over 63 characters).",
    "",
  ),
  authEmailSesIdentity: key(
    z
      .string()
      .regex(
        /^$|^([^@\s]+@)?([a-z0-9-]+\.)+[a-z]{2,}$/,
        "a verified SES identity (a domain or an e-mail address), or empty",
      ),
    "Verified Amazon SES identity (domain or address) in the stack's region the user pool sends its e-mail through (DEVELOPER); empty: Cognito's built-in sender, capped at a few messages a day, for dev only.",
    "",
  ),
  authEmailFrom: key(
    z
      .string()
      .regex(/^$|^([^<>]+ <[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/, 'an address, or "Name <address>", or empty'),
    'From address of the user pool\'s e-mail (with authEmailSesIdentity), e.g. "Shop <no-reply@example.com>".',
    "",
  ),
  authLocalhostCallbacks: key(
    z.boolean(),
    "Also allow http://localhost:5173 as a sign-in callback and logout URL (local development of the site).",
    true,
    false,
  ),

  apiRateLimit: key(int(1, 10000), "API stage steady-state request rate limit (requests/s).", 50, 1000),
  apiBurstLimit: key(int(1, 5000), "API stage burst limit (requests).", 100, 2000),
  apiAccountSettings: key(
    z.boolean(),
    "This stack sets the account's API Gateway CloudWatch Logs role (one setting per account and region, kept when the stack is destroyed). Let exactly one stack per account and region own it; set false in the others.",
    true,
  ),
  apiDomainName: key(
    z.string().regex(/^$|^(?=.{4,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, "a lower-case DNS name, or empty"),
    "Custom domain of the API, e.g. api.shop.example.com (empty: the API's execute-api endpoint). Needs apiHostedZoneId; the execute-api endpoint is then switched off and the storefront calls this domain.",
    "",
  ),
  apiHostedZoneId: key(
    z.string().regex(/^$|^Z[A-Z0-9]{4,32}$/, "a Route 53 hosted zone id (Z...), or empty"),
    "Route 53 hosted zone of apiDomainName: its ACM certificate (in the stack's region) is validated and its alias records written there.",
    "",
  ),
  apiCacheSeconds: key(
    int(0, 3600),
    "Seconds the API stage cache serves the public catalog routes (GET /products, /products/{sku}) and, at most 60 of them, the public recommendations (GET /recommendations); 0: no stage cache, and no cache cluster billed.",
    0,
    300,
  ),
  catalogMemoryMb: key(int(128, 10240), "Catalog API Lambda memory, in MB.", 256, 512),
  eventsRateLimit: key(int(1, 10000), "Request rate limit of POST /events (requests/s).", 100, 5000),
  eventsBurstLimit: key(int(1, 5000), "Burst limit of POST /events (requests).", 200, 5000),

  streamMode: key(
    z.enum(["ON_DEMAND", "PROVISIONED"]),
    "Kinesis capacity mode of the clickstream stream (ON_DEMAND starts at 4,000 records/s and 4 MiB/s of writes and follows up to twice its previous peak).",
    "ON_DEMAND",
  ),
  streamShardCount: key(
    int(0, 500),
    "Shard count when streamMode is PROVISIONED (required there, 1-500); 0 under ON_DEMAND, where Kinesis manages the shards and a count would have no effect.",
    0,
  ),
  streamRetentionHours: key(int(24, 8760), "Clickstream record retention, in hours.", 24, 168),
  processorBatchSize: key(
    int(1, 10000),
    "Records per invocation of the clickstream processor; at most what Lambda's 6 MB invocation payload holds of the largest events the model allows (145).",
    100,
    100,
  ),
  processorBatchWindowSeconds: key(int(0, 300), "Seconds the event source waits to fill a processor batch.", 5, 5),
  processorParallelization: key(int(1, 10), "Concurrent processor batches per shard.", 1, 2),
  processorMemoryMb: key(int(128, 10240), "Clickstream processor memory, in MB.", 512, 1024),
  processorTimeoutSeconds: key(int(10, 900), "Clickstream processor timeout, in seconds.", 60, 120),
  streamMaxRetryAttempts: key(
    int(0, 10000),
    "Retries of a failing stream batch before it goes to the dead-letter queue.",
    3,
    5,
  ),
  streamMaxRecordAgeSeconds: key(
    int(60, 604800),
    "Oldest record age retried before it goes to the dead-letter queue, in seconds.",
    3600,
    21600,
  ),
  firehoseBufferSeconds: key(int(0, 900), "Firehose buffering interval to the lake, in seconds.", 60, 300),
  firehoseBufferMib: key(int(1, 128), "Firehose buffering size to the lake, in MiB.", 5, 64),
  lakeInfrequentAccessDays: key(int(30, 3650), "Days before lake objects move to S3 Standard-IA.", 30, 30),
  lakeGlacierDays: key(int(31, 3650), "Days before lake objects move to Glacier Flexible Retrieval.", 90, 90),
  lakeExpirationDays: key(int(32, 36500), "Days before lake objects expire.", 365, 730),
  personalizeMode: key(
    z.enum(["disabled", "existing", "create"]),
    "Amazon Personalize: disabled, existing (personalizeTrackingId given) or create (dataset group, schema, dataset and event tracker).",
    "disabled",
  ),
  personalizeTrackingId: key(
    z.string(),
    "Tracking id of an existing Personalize event tracker (personalizeMode existing).",
    "",
  ),
  personalizePutEventsQuota: key(
    int(1, 100000),
    "The account's Amazon Personalize PutEvents quota, in requests per second (1,000 unless raised): the processor's calls in flight are derived from it and the stream's parallelism.",
    1000,
  ),
  recommendationsRelatedItemsArn: key(
    personalizeArnOrEmpty,
    'Personalize campaign or recommender (related / similar items) answering GET /recommendations?sku= ("customers also bought"); empty: co-purchase from the orders index.',
    "",
  ),
  recommendationsUserArn: key(
    personalizeArnOrEmpty,
    'Personalize campaign or recommender (user personalization) answering GET /recommendations/me ("recommended for you"); empty: popular items from the orders index.',
    "",
  ),
  recommendationsMemoryMb: key(int(128, 10240), "Recommendations API Lambda memory, in MB.", 256, 512),

  vpcCidr: key(z.cidrv4(), "CIDR of the VPC holding the search domain and the order Lambdas.", "10.20.0.0/16"),
  searchInstanceType: key(
    searchInstanceType,
    "OpenSearch data node instance type.",
    "t3.small.search",
    "r6g.large.search",
  ),
  searchInstanceCount: key(int(1, 80), "OpenSearch data nodes.", 1, 3),
  searchZoneCount: key(int(1, 3), "Availability zones the search domain spans (1 disables zone awareness).", 1, 3),
  searchDedicatedMasterType: key(
    z.string().regex(/^$|^[a-z0-9]+\.[a-z0-9]+\.search$/, "an OpenSearch instance type, or empty"),
    "Dedicated master instance type (empty: no dedicated masters; else three).",
    "",
    "m6g.large.search",
  ),
  searchVolumeGb: key(
    int(10, 16384),
    "EBS (gp3) volume per data node, in GB, within the range the instance type takes.",
    10,
    100,
  ),
  orderMemoryMb: key(int(128, 10240), "Order API Lambda memory, in MB.", 512, 1024),
  orderTimeoutSeconds: key(int(3, 29), "Order API Lambda timeout, in seconds (API Gateway waits at most 29).", 10, 10),
  idempotencyTtlSeconds: key(int(60, 2592000), "How long an Idempotency-Key is remembered, in seconds.", 86400),
  indexerBatchSize: key(int(1, 10000), "Stream records per search indexer invocation.", 100, 500),
  indexerBatchWindowSeconds: key(int(0, 300), "Seconds the orders stream waits to fill an indexer batch.", 1, 2),

  // Analytics (components/analytics.ts): the Glue tables over the lake and the Athena workgroup.
  analyticsProjectionStartDate: key(
    z.iso.date({ error: "a UTC day as YYYY-MM-DD" }),
    "First day (UTC, YYYY-MM-DD) the lake tables' partition projection covers; queries see every day from it to today, with no crawler or partition maintenance.",
    "2026-01-01",
  ),
  analyticsBytesScannedCutoffMib: key(
    int(10, 1048576),
    "Per-query bytes-scanned limit of the analytics Athena workgroup, in MiB: a query scanning more is cancelled (Athena's minimum is 10 MB).",
    1024,
    10240,
  ),
  analyticsResultsExpirationDays: key(
    int(1, 3650),
    "Days before Athena query results expire from the analytics results bucket.",
    7,
    30,
  ),

  alarmDurationPercentOfTimeout: key(
    int(10, 100),
    "A Lambda's p99 duration alarm fires above this share of its timeout, in percent.",
    80,
  ),
  alarmIteratorAgeSeconds: key(int(1, 604800), "Stream iterator age alarm threshold, in seconds.", 300, 60),
  alarmApi5xxPercent: key(int(1, 100), "API 5XX error rate alarm threshold, in percent.", 5, 1),
  alarmApiLatencyP99Ms: key(int(50, 29000), "API p99 latency alarm threshold, in milliseconds.", 3000, 1500),
  alarmFirehoseFreshnessSeconds: key(
    int(60, 86400),
    "Firehose oldest undelivered record age alarm threshold, in seconds.",
    900,
    900,
  ),
  alarmSearchFreeStorageMb: key(int(256, 1048576), "Search domain minimum free storage per node, in MB.", 2048, 20480),
  alarmCloudFront5xxPercent: key(int(1, 100), "CloudFront 5xx error rate alarm threshold, in percent.", 5, 1),
} as const;

export type ConfigKey = keyof typeof configKeys;
type Values = { -readonly [K in ConfigKey]: z.infer<(typeof configKeys)[K]["schema"]> };

export interface PlatformConfig extends Values {
  project: string;
  stack: string;
  /** AWS region of every regional resource (`aws:region`). */
  region: string;
  /** The provider default tags (`aws:defaultTags.tags`), applied to every resource. */
  tags: Record<string, string>;
  /** Optional named AWS profile (`aws:profile`), forwarded to the explicit providers. */
  awsProfile?: string;
}

/** Tags every stack must set in `aws:defaultTags` (cost allocation and ownership). */
export const requiredTags = ["project", "stage", "owner"] as const;

export class ConfigError extends Error {}

/** A raw stack config source: what `pulumi.Config#get` returns for a key, or undefined. */
export type RawConfig = (namespace: string, key: string) => string | undefined;

const pulumiRaw: RawConfig = (namespace, name) => new pulumi.Config(namespace).get(name);

/** Strings are taken as they are; everything else (numbers, booleans, lists) is JSON. */
function decode(name: ConfigKey, raw: string): unknown {
  if (typeof configKeys[name].defaults.dev === "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // the schema then names the expected type
  }
}

function describeIssue(namespace: string, name: string, value: unknown, issue: z.core.$ZodIssue): string {
  return `Invalid config ${namespace}:${name} = ${JSON.stringify(value)}: ${issue.message}`;
}

/**
 * Reads the stack config into one validated object. Stage defaults apply to unset keys; a
 * wrong value fails with a message naming the key, the value and what is allowed.
 */
export function loadConfig(
  raw: RawConfig = pulumiRaw,
  project = pulumi.getProject(),
  stack = pulumi.getStack(),
): PlatformConfig {
  const errors: string[] = [];
  const stageRaw = raw(project, "stage") ?? "dev";
  const stage = configKeys.stage.schema.safeParse(stageRaw);
  if (!stage.success) {
    throw new ConfigError(
      describeIssue(project, "stage", stageRaw, {
        ...stage.error.issues[0],
        message: `expected one of ${stages.join(", ")}`,
      }),
    );
  }

  const values: Record<string, unknown> = {};
  for (const name of Object.keys(configKeys) as ConfigKey[]) {
    const spec = configKeys[name];
    const text = raw(project, name);
    const value = text === undefined ? spec.defaults[stage.data] : decode(name, text);
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) values[name] = parsed.data;
    else errors.push(...parsed.error.issues.map((i) => describeIssue(project, name, value, i)));
  }

  const region = raw("aws", "region");
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    errors.push(`Invalid config aws:region = ${JSON.stringify(region)}: an AWS region such as eu-west-1 is required`);
  const tags = parseTags(raw("aws", "defaultTags"), errors);

  if (errors.length === 0) errors.push(...crossKeyErrors(project, stack, region!, values as Values, tags));
  if (errors.length > 0) throw new ConfigError(errors.join("\n"));
  return { ...(values as Values), project, stack, region: region!, tags, awsProfile: raw("aws", "profile") };
}

function parseTags(text: string | undefined, errors: string[]): Record<string, string> {
  const schema = z.object({ tags: z.record(z.string(), z.string()) });
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    value = text;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    errors.push(
      `Invalid config aws:defaultTags = ${JSON.stringify(value)}: expected { tags: { ${requiredTags.join(", ")}, ... } }`,
    );
    return {};
  }
  const missing = requiredTags.filter((t) => !parsed.data.tags[t]);
  if (missing.length > 0)
    errors.push(`Invalid config aws:defaultTags = ${JSON.stringify(value)}: missing tag(s) ${missing.join(", ")}`);
  // Every resource carries these tags: one AWS refuses would fail every create.
  for (const [key, tagValue] of tagEntries(parsed.data.tags)) {
    const problem = tagProblem(key, tagValue);
    if (problem) errors.push(`Invalid config aws:defaultTags.tags.${key} = ${JSON.stringify(tagValue)}: ${problem}`);
  }
  return parsed.data.tags;
}

/** SES sends only from the verified address, or from any address of a verified domain. */
function senderAllowed(from: string, identity: string): boolean {
  const address = (/<([^>]+)>$/.exec(from)?.[1] ?? from).toLowerCase();
  return identity.includes("@") ? address === identity.toLowerCase() : address.endsWith(`@${identity.toLowerCase()}`);
}

/** Rules that span keys; each message still names the key, its value and what is allowed. */
function crossKeyErrors(
  project: string,
  stack: string,
  region: string,
  c: Values,
  tags: Record<string, string>,
): string[] {
  const errors: string[] = [];
  const bad = (name: ConfigKey, allowed: string) =>
    errors.push(`Invalid config ${project}:${name} = ${JSON.stringify(c[name])}: ${allowed}`);
  if (tags.stage !== c.stage)
    errors.push(
      `Invalid config aws:defaultTags.tags.stage = ${JSON.stringify(tags.stage)}: must equal ${project}:stage (${c.stage})`,
    );
  const derivedPrefixProblem = c.authDomainPrefix ? undefined : derivedDomainPrefixProblem(project, stack);
  if (derivedPrefixProblem) bad("authDomainPrefix", derivedPrefixProblem);
  if (c.stage === "prod" && c.authPasswordMinLength < 12) bad("authPasswordMinLength", "prod requires at least 12");
  if (c.stage === "prod" && !c.authPasswordRequireSymbols) bad("authPasswordRequireSymbols", "prod requires true");
  if (c.stage === "prod" && c.authMfa !== "ON") bad("authMfa", "prod requires ON");
  if (Boolean(c.authEmailSesIdentity) !== Boolean(c.authEmailFrom))
    bad(
      c.authEmailFrom ? "authEmailSesIdentity" : "authEmailFrom",
      "authEmailSesIdentity and authEmailFrom are set together",
    );
  else if (c.authEmailSesIdentity && !senderAllowed(c.authEmailFrom, c.authEmailSesIdentity))
    bad("authEmailFrom", `must be ${c.authEmailSesIdentity} or an address of that domain (the SES identity)`);
  if (c.storefrontAccessLogs && !deliversStandardLogsTo(region))
    bad(
      "storefrontAccessLogs",
      `CloudFront's standard logs are not delivered to buckets in opt-in Regions such as ${region}, where the log bucket would be: set false`,
    );
  if (c.storefrontDomainName && !c.storefrontHostedZoneId)
    bad("storefrontHostedZoneId", "required when storefrontDomainName is set");
  if (c.apiDomainName && !c.apiHostedZoneId) bad("apiHostedZoneId", "required when apiDomainName is set");
  if (c.apiDomainName && c.apiDomainName === c.storefrontDomainName)
    bad("apiDomainName", "must differ from storefrontDomainName (the storefront's distribution answers there)");
  if (c.lakeGlacierDays <= c.lakeInfrequentAccessDays)
    bad("lakeGlacierDays", `must be greater than lakeInfrequentAccessDays (${c.lakeInfrequentAccessDays})`);
  if (c.lakeExpirationDays <= c.lakeGlacierDays)
    bad("lakeExpirationDays", `must be greater than lakeGlacierDays (${c.lakeGlacierDays})`);
  if (c.personalizeMode === "existing" && !c.personalizeTrackingId)
    bad("personalizeTrackingId", "required when personalizeMode is existing");
  if (c.personalizeMode !== "existing" && c.personalizeTrackingId)
    bad("personalizeTrackingId", "only allowed when personalizeMode is existing");
  if (c.searchInstanceCount % c.searchZoneCount !== 0)
    bad("searchInstanceCount", `must be a multiple of searchZoneCount (${c.searchZoneCount})`);
  const volume = searchVolumeProblem(c.searchInstanceType, c.searchVolumeGb);
  if (volume) bad(volume.key, volume.allowed);
  // Kinesis ignores a shard count in ON_DEMAND mode: a value there is a capacity plan that is not applied.
  if (c.streamMode === "ON_DEMAND" && c.streamShardCount !== 0)
    bad("streamShardCount", "has no effect while streamMode is ON_DEMAND: leave it 0, or set streamMode PROVISIONED");
  if (c.streamMode === "PROVISIONED" && c.streamShardCount === 0)
    bad("streamShardCount", "required (1-500) when streamMode is PROVISIONED");
  const deliverable = maxDeliverableBatchSize();
  if (c.processorBatchSize > deliverable) {
    bad(
      "processorBatchSize",
      `at most ${deliverable}: Lambda delivers a batch in one invocation of at most 6 MB, and the largest event the model allows takes ${largestRecordInEventBytes()} bytes per record there (base64 in the Kinesis record)`,
    );
  }
  if (c.processorTimeoutSeconds * 6 > c.streamMaxRecordAgeSeconds)
    bad(
      "streamMaxRecordAgeSeconds",
      `must allow a few retries: at least 6 x processorTimeoutSeconds (${c.processorTimeoutSeconds * 6})`,
    );
  return errors;
}
