// The simulator's verdicts, pinned on a sample that reaches each part of an evaluation: the
// identity policy (exact, wildcard, NotAction, conditions), an explicit deny, the resource's own
// policy, the VPC endpoint policy, and the resource type of the ARN. The verdicts were taken
// from the simulator as it is, before test/infra/iam-simulation.ts remembered anything; each is
// asked twice (the second answer comes from memory) and after its neighbours, so a memory that
// mixed two inputs up, or a resource type remembered for the wrong ARN, fails here.
import { strict as assert } from "node:assert";
import type { IamRequest, RoleModel } from "./iam-model";
import { type Decision, decide, simulate, simulationOf } from "./iam-simulation";

const account = "123456789012";
const roleArn = `arn:aws:iam::${account}:role/sample-role`;
const table = `arn:aws:dynamodb:eu-west-1:${account}:table/orders`;
const bucket = "arn:aws:s3:::sample-lake";
const domain = `arn:aws:es:eu-west-1:${account}:domain/orders-search`;
const context = {
  "aws:SecureTransport": "true",
  "aws:PrincipalArn": roleArn,
  "aws:PrincipalAccount": account,
  "aws:RequestedRegion": "eu-west-1",
};

const policy = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const role: RoleModel = {
  name: "sample-role",
  arn: roleArn,
  resource: undefined as never,
  identityPolicies: [
    {
      name: "sample",
      policy: policy(
        { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: [table, `${table}/index/*`] },
        { Effect: "Allow", Action: "dynamodb:Put*", Resource: table },
        {
          Effect: "Deny",
          Action: "dynamodb:PutItem",
          Resource: table,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        { Effect: "Allow", Action: "s3:GetObject", Resource: `${bucket}/events/*` },
        { Effect: "Allow", Action: "es:ESHttpPost", Resource: `${domain}/orders/_search` },
        { Effect: "Allow", NotAction: ["iam:*", "sts:*", "kms:*", "dynamodb:*", "s3:*", "es:*"], Resource: "*" },
      ),
    },
  ],
};
const request = (action: string, resource: string, extra: Partial<IamRequest> = {}): IamRequest => ({
  role: role.name,
  roleArn,
  action,
  resource,
  why: "pinned sample",
  ...extra,
  context: { ...context, ...(extra.context ?? {}) },
});
const bucketPolicy = policy({
  Effect: "Allow",
  Principal: { AWS: roleArn },
  Action: "s3:PutObject",
  Resource: `${bucket}/errors/*`,
});
const endpointPolicy = [
  {
    name: "s3-endpoint",
    policy: policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${bucket}/quarantine/*` }),
  },
];

const sample: [string, IamRequest, Decision][] = [
  ["an exact action on an exact ARN", request("dynamodb:GetItem", table), "Allowed"],
  ["an index ARN under a wildcard", request("dynamodb:Query", `${table}/index/byCustomer`), "Allowed"],
  ["the same action on the table's sibling", request("dynamodb:GetItem", `${table}-archive`), "ImplicitlyDenied"],
  ["an action no statement names", request("dynamodb:DeleteItem", table), "ImplicitlyDenied"],
  ["an action a wildcard names", request("dynamodb:PutItem", table), "Allowed"],
  [
    "the same, over plain HTTP: the deny's condition holds",
    request("dynamodb:PutItem", table, { context: { "aws:SecureTransport": "false" } }),
    "ExplicitlyDenied",
  ],
  ["an object under the granted prefix", request("s3:GetObject", `${bucket}/events/dt=2026-01-01/a.gz`), "Allowed"],
  ["an object under another prefix", request("s3:GetObject", `${bucket}/errors/a.gz`), "ImplicitlyDenied"],
  [
    "a write the bucket policy grants the role",
    request("s3:PutObject", `${bucket}/errors/a.gz`, { resourcePolicy: bucketPolicy }),
    "Allowed",
  ],
  [
    "the same write through an endpoint whose policy does not allow it",
    request("s3:PutObject", `${bucket}/errors/a.gz`, {
      resourcePolicy: bucketPolicy,
      vpcEndpointPolicies: endpointPolicy,
    }),
    "ImplicitlyDenied",
  ],
  [
    "a read the identity policy grants, through an endpoint that allows only quarantine/",
    request("s3:GetObject", `${bucket}/events/a.gz`, { vpcEndpointPolicies: endpointPolicy }),
    "ImplicitlyDenied",
  ],
  [
    "an object action on the bucket's ARN (no such resource type)",
    request("s3:GetObject", bucket),
    'invalid: {"message":"no.resource.types"}',
  ],
  ["a search path the policy names", request("es:ESHttpPost", `${domain}/orders/_search`), "Allowed"],
  ["another method on it", request("es:ESHttpPut", `${domain}/orders/_search`), "ImplicitlyDenied"],
  ["a longer path under it", request("es:ESHttpPost", `${domain}/orders/_search/template`), "ImplicitlyDenied"],
  ["a service the NotAction leaves allowed", request("xray:PutTraceSegments", "*"), "Allowed"],
  [
    "a service the NotAction excludes",
    request("iam:PassRole", `arn:aws:iam::${account}:role/other`),
    "ImplicitlyDenied",
  ],
  ["an action IAM does not have", request("dynamodb:GetItems", table), 'invalid: {"message":"invalid.action"}'],
];

describe("IAM simulation: pinned verdicts, remembered and not", () => {
  it("gives each sample request its pinned verdict, the first time and from memory", async () => {
    const verdicts = async () => Promise.all(sample.map(([, r]) => decide(r, role)));
    const expected = sample.map(([what, , verdict]) => `${what}: ${verdict}`);
    const first = await verdicts();
    assert.deepEqual(
      sample.map(([what], i) => `${what}: ${first[i]}`),
      expected,
    );
    const again = await verdicts();
    assert.deepEqual(
      sample.map(([what], i) => `${what}: ${again[i]}`),
      expected,
    );
  });

  it("a fresh simulation of each sample agrees with the remembered verdict", async () => {
    for (const [what, r, verdict] of sample) assert.equal(await simulate(simulationOf(r, role)), verdict, what);
  });
});
