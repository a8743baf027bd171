// IAM sufficiency and least privilege, proven with a policy simulator (@cloud-copilot/iam-simulate,
// AGPL, a test-only dependency) on the policies the whole program deploys: for every role, every
// call its code makes (recorded by the handler tests) and every call its AWS service makes with
// it (as documented) is ALLOWED with the context keys the service sends, evaluating the identity
// policies together with the resource's own policy (key, bucket, queue, domain) and the VPC
// endpoint policy on the way; and every over-grant probe on the program's resources is DENIED.
import { strict as assert } from "node:assert";
import { readRecordedCalls } from "../../testing/aws-calls";
import { handlerCalls, serviceCalls } from "./iam-calls";
import { type IamRequest, ProgramIam } from "./iam-model";
import { probeExemptions, probes } from "./iam-probes";
import { decide } from "./iam-simulation";
import { accountId } from "../../testing/mocks";
import { sharedProgramRun } from "../../testing/program";
import type { StackName } from "../../testing/stack-config";

const key = (r: Pick<IamRequest, "role" | "action" | "resource">) => `${r.role} ${r.action} ${r.resource}`;

const stacks: { label: string; stack: StackName; config?: Record<string, unknown> }[] = [
  { label: "dev", stack: "dev" },
  { label: "prod", stack: "prod" },
  // Personalize on: the processor's PutEvents is granted and checked too.
  { label: "dev with Personalize created", stack: "dev", config: { "ecommerce:personalizeMode": "create" } },
  // Recommendations from Personalize: GetRecommendations on exactly the configured campaigns (the
  // simulator knows only the campaign resource type for it; a recommender ARN is granted the same way).
  {
    label: "dev with recommendations from Personalize",
    stack: "dev",
    config: {
      "ecommerce:recommendationsRelatedItemsArn": `arn:aws:personalize:eu-west-1:${accountId}:campaign/also-bought`,
      "ecommerce:recommendationsUserArn": `arn:aws:personalize:eu-west-1:${accountId}:campaign/for-you`,
    },
  },
];

describe("IAM simulator: every role's calls allowed, over-grants denied", function () {
  this.timeout(300_000);
  const recorded = readRecordedCalls();
  const skippedEverywhere = new Map<string, number>();

  it("has recorded calls for every handler the program deploys", () => {
    const handlers = new Set(Object.values(recorded).flatMap((byHandler) => Object.keys(byHandler)));
    assert.deepEqual([...handlers].sort(), [
      "analytics-reports",
      "catalog",
      "clickstream-processor",
      "orders-api",
      "orders-search",
      "recommendations",
      "search-access",
      "search-indexer",
    ]);
  });

  for (const { label, stack, config } of stacks) {
    describe(label, () => {
      let program: ProgramIam;
      let required: IamRequest[];

      before(async () => {
        const run = await sharedProgramRun(stack, { config });
        const region = run.resources.find((r) => r.type === "aws:lambda/function:Function")!.state.arn.split(":")[3];
        program = new ProgramIam(run.resources, region, accountId);
        const handlers = handlerCalls(program, recorded);
        for (const call of handlers.skipped) skippedEverywhere.set(call, (skippedEverywhere.get(call) ?? 0) + 1);
        required = [...handlers.requests, ...serviceCalls(program)];
      });

      it("knows the calls of every role the program creates", () => {
        const roles = program.roles.map((r) => r.name).sort();
        const used = new Set(required.map((r) => r.role));
        assert.deepEqual(
          roles.filter((r) => !used.has(r)),
          [],
          "roles with no known calls: add their service's documented calls to test/infra/iam-calls.ts",
        );
      });

      it("allows every recorded handler call and every documented service call", async () => {
        const refused: string[] = [];
        for (const request of required) {
          const decision = await decide(request, program.roleByArn(request.roleArn));
          if (decision !== "Allowed") refused.push(`${key(request)}: ${decision} — ${request.why}`);
        }
        assert.deepEqual(refused, [], `calls the program's policies refuse:\n  ${refused.join("\n  ")}`);
      });

      it("refuses a handler call nobody granted, naming the role, action and resource (e.g. a stock write in a transaction)", async () => {
        const extra = handlerCalls(program, {
          "test/handlers/new.test.ts": { "orders-api": ["dynamodb:TransactWriteItems.Update table/${PRODUCTS_TABLE}"] },
        });
        assert.equal(extra.requests.length, 1);
        const [request] = extra.requests;
        assert.equal(request.action, "dynamodb:UpdateItem");
        assert.equal(
          request.resource,
          program.tableArn(
            program.functions.find((f) => f.environment.POWERTOOLS_SERVICE_NAME === "orders-api")!.environment
              .PRODUCTS_TABLE,
          ),
        );
        assert.equal(await decide(request, program.roleByArn(request.roleArn)), "ImplicitlyDenied");
      });

      it("denies every over-grant probe: no role may do what it does not need", async () => {
        const searchPaths = [
          ...new Set(
            required
              .filter((r) => r.action.startsWith("es:"))
              .map((r) => r.resource.replace(/^arn:[^:]+:es:[^:]+:\d+:domain\/[^/]+/, "")),
          ),
        ];
        const granted: string[] = [];
        for (const role of program.roles.filter((r) => !probeExemptions[r.name])) {
          const needed = new Set(required.filter((r) => r.roleArn === role.arn).map(key));
          for (const probe of probes(program, role, searchPaths)) {
            if (needed.has(key(probe))) continue;
            const decision = await decide(probe, role);
            if (decision !== "ExplicitlyDenied" && decision !== "ImplicitlyDenied")
              granted.push(`${key(probe)}: ${decision}`);
          }
        }
        assert.deepEqual(granted, [], `over-grants (allowed although no call needs them):\n  ${granted.join("\n  ")}`);
      });
    });
  }

  // After the stacks above (mocha runs a suite's own tests before its nested suites).
  describe("across the stacks", () => {
    it("checks every recorded call in at least one stack (a call skipped everywhere names a variable no stack sets)", () => {
      const never = [...skippedEverywhere].filter(([, count]) => count === stacks.length).map(([call]) => call);
      assert.deepEqual(never, []);
    });
  });
});
