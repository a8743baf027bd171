// Which resources `pulumi destroy` refuses (`protect`) or leaves in AWS (`retainOnDelete`), per
// stage, over the whole program. The expected holding of each stateful resource is this test's
// own list; the options each one was registered with must be the ones components/lib/stateful.ts
// gives that holding, and nothing else in the program may be kept except through it.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../components/lib/bundle";
import { type Holding, statefulOptions } from "../../components/lib/stateful";
import { type ProgramRun, type RegisteredResource, sharedProgramRun } from "../../testing/program";

/** Every stateful resource of the program, by type and name, with what it holds. */
const expectedHoldings: { type: string; name: RegExp; holding: Holding }[] = [
  {
    type: "aws:dynamodb/table:Table",
    name: /^orders-tables-(orders|products|inventory|idempotency)$/,
    holding: "store",
  },
  { type: "aws:opensearch/domain:Domain", name: /^orders-search$/, holding: "store" },
  { type: "aws:s3/bucket:Bucket", name: /^(ingestion-lake|storefront-access-logs)$/, holding: "store" },
  { type: "aws:cognito/userPool:UserPool", name: /^auth-users$/, holding: "store" },
  { type: "aws:dynamodb/tableItem:TableItem", name: /^orders-tables-stock-/, holding: "companion" },
  { type: "aws:kms/key:Key", name: /^ingestion-key$/, holding: "companion" },
  { type: "aws-native:personalize:DatasetGroup", name: /-group$/, holding: "companion" },
  { type: "aws-native:personalize:Schema", name: /-interactions-schema$/, holding: "companion" },
  { type: "aws-native:personalize:Dataset", name: /-interactions$/, holding: "companion" },
  { type: "aws:kinesis/stream:Stream", name: /^ingestion-stream$/, holding: "transient" },
  { type: "aws:s3/bucket:Bucket", name: /^(analytics-athena-results|storefront-site)$/, holding: "transient" },
];

/** What each holding gets in each stage, spelled out (not read from stateful.ts). */
const expectedOptions: Record<"dev" | "prod", Record<Holding, { protect: boolean; retainOnDelete: boolean }>> = {
  dev: {
    store: { protect: false, retainOnDelete: false },
    companion: { protect: false, retainOnDelete: false },
    transient: { protect: false, retainOnDelete: false },
  },
  prod: {
    store: { protect: true, retainOnDelete: true },
    companion: { protect: false, retainOnDelete: true },
    transient: { protect: false, retainOnDelete: false },
  },
};

/** The API Gateway account setting is account-wide, not stack data: api.ts retains it in every stage. */
const accountSetting = /^api-(account-logging|cloudwatch-role|cloudwatch-role-logs)$/;

const holdingOf = (r: RegisteredResource) => expectedHoldings.filter((e) => e.type === r.type && e.name.test(r.name));
const options = (r: RegisteredResource) => ({ protect: r.protect, retainOnDelete: r.retainOnDelete });

describe("Stateful resources (components/lib/stateful.ts)", () => {
  for (const stack of ["dev", "prod"] as const) {
    describe(stack, () => {
      let run: ProgramRun;
      before(async function () {
        this.timeout(180_000);
        // Personalize in create mode, so its datasets are in the program too.
        run = await sharedProgramRun(stack, { config: { "ecommerce:personalizeMode": "create" } });
      });

      it("each stateful resource is kept as its holding says, with the options statefulOptions gives it", () => {
        const protectData = stack === "prod";
        for (const expected of expectedHoldings) {
          const found = run.resources.filter((r) => r.type === expected.type && expected.name.test(r.name));
          assert.ok(found.length > 0, `the program has a ${expected.type} matching ${expected.name}`);
          for (const r of found) {
            assert.deepEqual(
              options(r),
              expectedOptions[stack][expected.holding],
              `${r.type} ${r.name} (${expected.holding})`,
            );
            const given = statefulOptions({ protectData }, expected.holding);
            assert.deepEqual(
              options(r),
              { protect: given.protect ?? false, retainOnDelete: given.retainOnDelete ?? false },
              `${r.name}: from statefulOptions`,
            );
          }
        }
      });

      it("every table, bucket, stream, search domain, user pool and Personalize dataset has a holding", () => {
        const stateful = [
          "aws:dynamodb/table:Table",
          "aws:s3/bucket:Bucket",
          "aws:kinesis/stream:Stream",
          "aws:opensearch/domain:Domain",
          "aws:cognito/userPool:UserPool",
          "aws-native:personalize:Dataset",
        ];
        for (const r of run.resources.filter((x) => stateful.includes(x.type)))
          assert.equal(holdingOf(r).length, 1, `${r.type} ${r.name}`);
      });

      it("nothing else is kept: only a protected store's own children inherit its protect", () => {
        const protectedStores = run.resources.filter((r) => holdingOf(r).length === 1 && r.protect).map((r) => r.name);
        for (const r of run.resources.filter((x) => (x.protect || x.retainOnDelete) && holdingOf(x).length === 0)) {
          if (accountSetting.test(r.name)) {
            assert.deepEqual(options(r), { protect: false, retainOnDelete: true }, r.name);
            continue;
          }
          assert.equal(r.retainOnDelete, false, `${r.type} ${r.name} is retained without a holding`);
          assert.ok(
            protectedStores.some((store) => r.name.startsWith(store)),
            `${r.type} ${r.name} is protected without a holding`,
          );
        }
      });
    });
  }

  it("no component spells `protect` or `retainOnDelete` itself: they come from statefulOptions", () => {
    // stateful.ts decides; api.ts keeps the account-wide API Gateway setting (not stack data).
    const allowed = new Set(["lib/stateful.ts", "api.ts"]);
    const dir = path.join(repoRoot, "components");
    const files = fs
      .readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !allowed.has(f.split(path.sep).join("/")));
    assert.ok(files.length > 20);
    for (const file of files) {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      const spelled = source
        .split("\n")
        .filter((l) => /\b(protect|retainOnDelete)\s*:/.test(l) && !/^\s*(\/\/|\*)/.test(l));
      assert.deepEqual(spelled, [], `components/${file}`);
    }
  });
});
