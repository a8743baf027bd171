// The queryable lake under Pulumi mocks: the Glue tables read exactly where Firehose and the
// quarantine write, typed from the clickstream contract; the Athena workgroup's enforced
// settings; the named queries are the analytics/*.sql files; the analyst policy is exact.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Analytics } from "../../components/analytics";
import { athenaIdentifier } from "../../components/analytics-catalog";
import { lakeEventsPrefix, quarantinePrefix } from "../../components/ingestion";
import * as os from "node:os";
import { normalisedClickstreamEventSchema } from "../../handlers/shared/clickstream-event";
import { lakeTables } from "../../analytics/lake-tables";
import { queriesDir } from "../../analytics/queries";
import { firehoseObjectKey, writeLake } from "../../testing/lake-writer";
import { accountId, type RecordingMocks, testRegion } from "../../testing/mocks";
import { allowedActions, list, statements } from "./policy-json";
import { runComponents, sharedProgramRun } from "../../testing/program";

const Types = {
  database: "aws:glue/catalogDatabase:CatalogDatabase",
  table: "aws:glue/catalogTable:CatalogTable",
  workgroup: "aws:athena/workgroup:Workgroup",
  namedQuery: "aws:athena/namedQuery:NamedQuery",
  policy: "aws:iam/policy:Policy",
  key: "aws:kms/key:Key",
  bucket: "aws:s3/bucket:Bucket",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
};
const lake = {
  bucketName: "shop-lake",
  bucketArn: "arn:aws:s3:::shop-lake",
  keyArn: `arn:aws:kms:${testRegion}:${accountId}:key/lake`,
  layout: { eventsPrefix: lakeEventsPrefix, quarantinePrefix },
};

async function run(stack: "dev" | "prod", config: Record<string, unknown> = {}): Promise<RecordingMocks> {
  return runComponents(
    stack,
    (c) => {
      new Analytics("analytics", { config: c, lake, allowedOrigin: "https://shop.example.com" });
    },
    { config },
  );
}

const table = (mocks: RecordingMocks, name: string) => mocks.ofType(Types.table).find((t) => t.inputs.name === name)!;
/** The S3 path a projected partition resolves to, from the table's template. */
const partitionPath = (template: string, values: Record<string, string>) =>
  template.replace(/\$\{(\w+)\}/g, (_, k: string) => values[k]);

describe("Analytics (Glue catalog, Athena workgroup, analyst policy)", () => {
  let dev: RecordingMocks;
  before(async () => {
    dev = await run("dev");
  });

  describe("the Glue tables", () => {
    it("one database, named as Athena identifiers must be, and the events and quarantine tables in it", () => {
      const [db] = dev.ofType(Types.database);
      assert.equal(db.inputs.name, "ecommerce_dev_clickstream");
      assert.match(db.inputs.name, athenaIdentifier);
      assert.deepEqual(
        dev
          .ofType(Types.table)
          .map((t) => [t.inputs.name, t.inputs.databaseName])
          .sort(),
        [
          ["events", db.inputs.name],
          ["quarantine", db.inputs.name],
        ],
      );
    });

    it("events has one column per field of the lake line's zod schema, typed from it", () => {
      const columns = table(dev, "events").inputs.storageDescriptor.columns.map((c: { name: string; type: string }) => [
        c.name,
        c.type,
      ]);
      assert.deepEqual(
        columns.map(([n]: string[]) => n),
        Object.keys(normalisedClickstreamEventSchema.shape).map((k) => k.toLowerCase()),
      );
      assert.deepEqual(columns, [
        ["eventid", "string"],
        ["eventtype", "string"],
        ["sessionid", "string"],
        ["userid", "string"],
        ["itemid", "string"],
        ["timestamp", "string"],
        ["receivedat", "string"],
        ["page", "struct<url:string,referrer:string>"],
        ["properties", "map<string,string>"],
      ]);
    });

    it("are JSON over the lake prefixes with partition projection on day and hour: no crawler, no partitions to add", () => {
      const events = table(dev, "events").inputs;
      assert.equal(events.tableType, "EXTERNAL_TABLE");
      assert.equal(events.storageDescriptor.location, "s3://shop-lake/events/");
      assert.equal(events.storageDescriptor.serDeInfo.serializationLibrary, "org.openx.data.jsonserde.JsonSerDe");
      assert.deepEqual(events.partitionKeys, [
        { name: "dt", type: "string" },
        { name: "hour", type: "string" },
      ]);
      assert.deepEqual(events.parameters, {
        EXTERNAL: "TRUE",
        classification: "json",
        "projection.enabled": "true",
        "storage.location.template": "s3://shop-lake/events/dt=${dt}/hour=${hour}/",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": "2026-01-01,NOW",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.digits": "2",
      });
      const quarantine = table(dev, "quarantine").inputs;
      assert.equal(quarantine.storageDescriptor.location, "s3://shop-lake/quarantine/");
      assert.deepEqual(quarantine.partitionKeys, [{ name: "dt", type: "string" }]);
      assert.equal(quarantine.parameters["storage.location.template"], "s3://shop-lake/quarantine/dt=${dt}/");
      assert.equal(dev.resources.filter((r) => r.type.startsWith("aws:glue/crawler")).length, 0);
    });

    it("project every object Firehose and the quarantine write into the partition that holds it", async () => {
      const at = new Date("2026-11-30T07:05:09Z");
      const eventsDir = partitionPath(table(dev, "events").inputs.parameters["storage.location.template"], {
        dt: "2026-11-30",
        hour: "07",
      });
      assert.equal(`${path.posix.dirname(`s3://shop-lake/${firehoseObjectKey(at)}`)}/`, eventsDir);
      // Athena reads every object under a partition's location, sub-folders included.
      const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-keys-"));
      await writeLake(lakeDir, [
        { at, record: { eventId: "e1", eventType: "bogus", sessionId: "s1", timestamp: at.toISOString() } },
      ]);
      const written = fs
        .readdirSync(path.join(lakeDir, quarantinePrefix), { recursive: true })
        .map((f) => `${quarantinePrefix}${String(f)}`)
        .filter((key) => fs.statSync(path.join(lakeDir, key)).isFile());
      fs.rmSync(lakeDir, { recursive: true, force: true });
      const quarantineDir = partitionPath(table(dev, "quarantine").inputs.parameters["storage.location.template"], {
        dt: "2026-11-30",
      });
      assert.equal(written.length, 1);
      assert.ok(`s3://shop-lake/${written[0]}`.startsWith(quarantineDir), `${written[0]} under ${quarantineDir}`);
    });

    it("the projection's first day comes from config", async () => {
      const run2 = await run("dev", { "ecommerce:analyticsProjectionStartDate": "2025-06-01" });
      assert.equal(table(run2, "events").inputs.parameters["projection.dt.range"], "2025-06-01,NOW");
    });
  });

  describe("the Athena workgroup", () => {
    for (const [stage, mib] of [
      ["dev", 1024],
      ["prod", 10240],
    ] as const) {
      it(`${stage}: engine v3, enforced, results in their own KMS-encrypted bucket, ${mib} MiB per query at most`, async () => {
        const mocks = stage === "dev" ? dev : await run("prod");
        const [wg] = mocks.ofType(Types.workgroup);
        const conf = wg.inputs.configuration;
        assert.equal(conf.engineVersion.selectedEngineVersion, "Athena engine version 3");
        assert.equal(conf.enforceWorkgroupConfiguration, true);
        assert.equal(conf.publishCloudwatchMetricsEnabled, true);
        assert.equal(conf.bytesScannedCutoffPerQuery, mib * 1024 * 1024);
        const resultsBucket = mocks.named(Types.bucket, "analytics-athena-results");
        assert.equal(conf.resultConfiguration.outputLocation, `s3://${resultsBucket.state.bucket}/results/`);
        assert.equal(conf.resultConfiguration.expectedBucketOwner, accountId);
        const resultsKey = mocks.named(Types.key, "analytics-athena-results-key");
        assert.deepEqual(conf.resultConfiguration.encryptionConfiguration, {
          encryptionOption: "SSE_KMS",
          kmsKeyArn: resultsKey.state.arn,
        });
        assert.notEqual(resultsKey.state.arn, lake.keyArn);
        assert.equal(resultsKey.inputs.enableKeyRotation, true);
        assert.equal(wg.inputs.forceDestroy, stage === "dev");
      });
    }

    it("results expire after the configured days; old versions and broken uploads after one", async () => {
      const rule = (mocks: RecordingMocks) =>
        mocks.named(Types.lifecycle, "analytics-athena-results-lifecycle").inputs.rules[0];
      assert.deepEqual(rule(dev).expiration, { days: 7 });
      assert.deepEqual(rule(await run("dev", { "ecommerce:analyticsResultsExpirationDays": 2 })).expiration, {
        days: 2,
      });
      assert.deepEqual(rule(dev).noncurrentVersionExpiration, { noncurrentDays: 1 });
      assert.deepEqual(rule(dev).abortIncompleteMultipartUpload, { daysAfterInitiation: 1 });
    });

    it("the bytes-scanned limit is refused below Athena's 10 MB minimum", async () => {
      await assert.rejects(
        run("dev", { "ecommerce:analyticsBytesScannedCutoffMib": 5 }),
        /analyticsBytesScannedCutoffMib/,
      );
    });

    it("has one named query per analytics/*.sql file, with the file's text, in the lake database", () => {
      const files = fs
        .readdirSync(queriesDir)
        .filter((f) => f.endsWith(".sql"))
        .sort();
      const queries = dev.ofType(Types.namedQuery).sort((a, b) => a.inputs.name.localeCompare(b.inputs.name));
      const [wg] = dev.ofType(Types.workgroup);
      assert.deepEqual(
        queries.map((q) => `${q.inputs.name}.sql`),
        files,
      );
      for (const q of queries) {
        assert.equal(q.inputs.query, fs.readFileSync(path.join(queriesDir, `${q.inputs.name}.sql`), "utf8"));
        assert.equal(q.inputs.database, "ecommerce_dev_clickstream");
        assert.equal(q.inputs.workgroup, wg.state.name);
        assert.ok(q.inputs.description.length > 0 && q.inputs.description.length <= 1024);
      }
    });
  });

  describe("the analyst policy", () => {
    it("allows exactly the workgroup's queries, the two tables, the lake prefixes, the results and the keys through S3", () => {
      const policy = dev.named(Types.policy, "analytics-analyst").inputs.policy as string;
      const [wg] = dev.ofType(Types.workgroup);
      const results = dev.named(Types.bucket, "analytics-athena-results").state.arn;
      const resultsKey = dev.named(Types.key, "analytics-athena-results-key").state.arn;
      const glue = (p: string) => `arn:aws:glue:${testRegion}:${accountId}:${p}`;
      const workgroupArn = `arn:aws:athena:${testRegion}:${accountId}:workgroup/${wg.state.name}`;
      const gluePaths = [
        glue("catalog"),
        glue("database/ecommerce_dev_clickstream"),
        glue("table/ecommerce_dev_clickstream/events"),
        glue("table/ecommerce_dev_clickstream/quarantine"),
      ].sort();
      const athena = [
        "BatchGetNamedQuery",
        "BatchGetQueryExecution",
        "GetNamedQuery",
        "GetQueryExecution",
        "GetQueryResults",
        "GetQueryResultsStream",
        "GetWorkGroup",
        "ListNamedQueries",
        "ListQueryExecutions",
        "StartQueryExecution",
        "StopQueryExecution",
      ];
      assert.deepEqual(allowedActions(policy), {
        ...Object.fromEntries(athena.map((a) => [`athena:${a}`, [workgroupArn]])),
        "glue:GetDatabase": gluePaths,
        "glue:GetTable": gluePaths,
        "glue:GetTables": gluePaths,
        "s3:GetBucketLocation": [lake.bucketArn, results].sort(),
        "s3:ListBucket": [lake.bucketArn, results].sort(),
        "s3:ListBucketMultipartUploads": [results],
        "s3:GetObject": [`${lake.bucketArn}/events/*`, `${lake.bucketArn}/quarantine/*`, `${results}/results/*`].sort(),
        "s3:PutObject": [`${results}/results/*`],
        "s3:AbortMultipartUpload": [`${results}/results/*`],
        "s3:ListMultipartUploadParts": [`${results}/results/*`],
        "kms:Decrypt": [lake.keyArn, resultsKey].sort(),
        "kms:GenerateDataKey": [resultsKey],
      });
      const all = statements(policy);
      const listLake = all.find((s) => s.Sid === "ListTheTablePrefixes")!;
      assert.deepEqual(listLake.Condition, {
        StringLike: { "s3:prefix": ["events/", "events/*", "quarantine/", "quarantine/*"] },
      });
      for (const s of all.filter((x) => list(x.Action).some((a) => a.startsWith("kms:")))) {
        assert.deepEqual(
          s.Condition,
          { StringEquals: { "kms:ViaService": `s3.${testRegion}.amazonaws.com` } },
          `${s.Sid} only through S3`,
        );
      }
    });

    it("the reports function may run and read exactly the admin pages' named queries in the workgroup: five Athena actions, the rest as the analyst", () => {
      const policy = dev.named("aws:iam/rolePolicy:RolePolicy", "analytics-reports-api-policy").inputs.policy as string;
      const [wg] = dev.ofType(Types.workgroup);
      const workgroupArn = `arn:aws:athena:${testRegion}:${accountId}:workgroup/${wg.state.name}`;
      const allowed = allowedActions(policy);
      assert.deepEqual(
        Object.keys(allowed)
          .filter((a) => a.startsWith("athena:"))
          .sort(),
        [
          "athena:BatchGetQueryExecution",
          "athena:GetNamedQuery",
          "athena:GetQueryResults",
          "athena:ListQueryExecutions",
          "athena:StartQueryExecution",
        ],
      );
      for (const a of Object.keys(allowed).filter((x) => x.startsWith("athena:")))
        assert.deepEqual(allowed[a], [workgroupArn], a);
      const analyst = allowedActions(dev.named(Types.policy, "analytics-analyst").inputs.policy as string);
      for (const [action, resources] of Object.entries(allowed).filter(([a]) => /^(glue|s3|kms):/.test(a)))
        assert.deepEqual(resources, analyst[action], `${action} as the analyst`);
    });

    it("the reports function reads the workgroup and the ids of the funnel and top-products named queries from its environment; GET /analytics/{query} needs a Cognito token", async () => {
      const fn = dev.named("aws:lambda/function:Function", "analytics-reports-api");
      const env = fn.inputs.environment.variables;
      const [wg] = dev.ofType(Types.workgroup);
      assert.equal(env.WORKGROUP, wg.state.name);
      const ids = JSON.parse(env.NAMED_QUERY_IDS);
      const byName = Object.fromEntries(dev.ofType(Types.namedQuery).map((q) => [q.inputs.name, q.id]));
      assert.deepEqual(ids, { funnel: byName.funnel, "top-products": byName["top-products"] });
      assert.equal(env.ALLOWED_ORIGIN, "https://shop.example.com");
    });

    it("the results key is usable only through S3 by this account", () => {
      const doc = statements(dev.named(Types.key, "analytics-athena-results-key").inputs.policy);
      const use = doc.find((s) => s.Sid === "UseThroughS3")!;
      assert.deepEqual(use.Condition, {
        StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `s3.${testRegion}.amazonaws.com` },
      });
    });
  });

  it("the program wires it to the lake and exports the analyst policy, database, workgroup and results bucket", async () => {
    const program = await sharedProgramRun("dev");
    const o = program.outputs as Record<string, string>;
    const policy = program.mocks.named(Types.policy, "analytics-analyst");
    assert.equal(o.analystPolicyArn, policy.state.arn);
    assert.equal(o.analyticsDatabase, "ecommerce_dev_clickstream");
    assert.equal(o.analyticsWorkgroup, program.mocks.ofType(Types.workgroup)[0].state.name);
    assert.equal(o.analyticsResultsBucket, program.mocks.named(Types.bucket, "analytics-athena-results").state.bucket);
    const lakeBucket = program.mocks.named(Types.bucket, "ingestion-lake").state.bucket;
    assert.equal(table(program.mocks, "events").inputs.storageDescriptor.location, `s3://${lakeBucket}/events/`);
    // Local reads take events as gzip: what the delivery stream writes.
    const [delivery] = program.mocks.ofType("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
    assert.equal(delivery.inputs.extendedS3Configuration.compressionFormat, "GZIP");
    assert.equal(lakeTables(lake.layout).find((t) => t.name === "events")!.compression, "gzip");
    assert.equal(delivery.inputs.extendedS3Configuration.prefix, lakeEventsPrefix);
    const lakeKey = program.mocks.named(Types.key, "ingestion-key").state.arn;
    assert.ok(allowedActions(policy.inputs.policy)["kms:Decrypt"].includes(lakeKey));
  });
});
