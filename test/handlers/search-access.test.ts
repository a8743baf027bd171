// The deploy-time step that grants the two Lambda roles their OpenSearch security roles, run
// with the real SigV4-signing client against a stand-in of the security REST API on loopback.
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ordersIndex } from "../../handlers/shared/order-index";
import {
  accessRequestSchema, applySearchAccess, indexerRoleName, readerRoleName, securityRoles,
} from "../../handlers/search-access/security";
import { isSigned, recordHttpCall } from "./support/aws-calls";

process.env.AWS_REGION ??= "eu-west-1";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { signedSecurityApi, handler, retryDelaysMs } = require("../../handlers/search-access/index") as typeof import("../../handlers/search-access/index");

interface Recorded { method: string; path: string; body: any; authorization?: string }

const indexerArn = "arn:aws:iam::123456789012:role/indexer-role-1a2b";
const readerArn = "arn:aws:iam::123456789012:role/orders-role-3c4d";
const credentials = async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" });

describe("search-access (FGAC roles and role mappings)", () => {
  let server: Server;
  let endpoint: string;
  let requests: Recorded[];
  /** Status answered for a path (default 200). */
  let statusFor: (path: string) => number;

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        requests.push({ method: req.method ?? "", path: req.url ?? "", body: text ? JSON.parse(text) : undefined, authorization: req.headers.authorization });
        const status = statusFor(req.url ?? "");
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(status < 300 ? { status: "OK", message: "'x' updated." } : { status: "FORBIDDEN", message: "no permissions for security api" }));
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => {
    requests = [];
    statusFor = () => 200;
  });
  afterEach(() => {
    for (const r of requests.filter((r) => isSigned({ authorization: r.authorization }))) recordHttpCall("search-access", r.method, r.path);
  });

  it("creates both roles before mapping the IAM role ARNs to them, every request SigV4-signed", async () => {
    const applied = await applySearchAccess(signedSecurityApi(endpoint, credentials), { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] });
    assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), [
      `PUT /_plugins/_security/api/roles/${indexerRoleName}`,
      `PUT /_plugins/_security/api/roles/${readerRoleName}`,
      `PUT /_plugins/_security/api/rolesmapping/${indexerRoleName}`,
      `PUT /_plugins/_security/api/rolesmapping/${readerRoleName}`,
    ]);
    assert.ok(requests.every((r) => /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/es\/aws4_request/.test(r.authorization ?? "")), "every request signed for es");
    assert.deepEqual(requests[2].body, { backend_roles: [indexerArn], users: [], hosts: [] });
    assert.deepEqual(requests[3].body, { backend_roles: [readerArn], users: [], hosts: [] });
    assert.equal(applied.length, 4);
  });

  it("gives the reader read-only access to the orders index and the indexer nothing beyond it", async () => {
    await applySearchAccess(signedSecurityApi(endpoint, credentials), { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] });
    const reader = requests.find((r) => r.path.endsWith(`/roles/${readerRoleName}`))!.body;
    assert.deepEqual(reader.index_permissions, [{ index_patterns: [ordersIndex], allowed_actions: ["read"] }]);
    assert.deepEqual(reader.cluster_permissions, ["cluster_composite_ops_ro"]);
    const indexer = requests.find((r) => r.path.endsWith(`/roles/${indexerRoleName}`))!.body;
    assert.deepEqual(indexer.index_permissions.map((p: any) => p.index_patterns), [[ordersIndex]]);
    assert.ok(!JSON.stringify(securityRoles).includes("security"), "no role touches the security configuration");
    assert.ok(!JSON.stringify(securityRoles).includes("*"), "no wildcard index or action");
  });

  it("running again sends the same requests (converges, nothing accumulates)", async () => {
    const request = { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn, readerArn] };
    await applySearchAccess(signedSecurityApi(endpoint, credentials), request);
    const first = requests.map((r) => JSON.stringify([r.path, r.body]));
    requests = [];
    await applySearchAccess(signedSecurityApi(endpoint, credentials), request);
    assert.deepEqual(requests.map((r) => JSON.stringify([r.path, r.body])), first);
    assert.deepEqual(requests[3].body.backend_roles, [readerArn], "a role listed twice is mapped once");
  });

  it("a refused role stops before any mapping is written and names the answer", async () => {
    statusFor = (path) => (path.endsWith(`/roles/${readerRoleName}`) ? 403 : 200);
    await assert.rejects(
      applySearchAccess(signedSecurityApi(endpoint, credentials), { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] }),
      /PUT \/_plugins\/_security\/api\/roles\/orders_reader answered 403: .*no permissions for security api/,
    );
    assert.ok(!requests.some((r) => r.path.includes("rolesmapping")), "no mapping written");
  });

  describe("a domain answering 5xx", () => {
    const realDelays = [...retryDelaysMs];
    before(() => retryDelaysMs.splice(0, retryDelaysMs.length, 5, 5, 5));
    after(() => retryDelaysMs.splice(0, retryDelaysMs.length, ...realDelays));

    it("a brand-new domain's brief 503 is waited out, and every change still lands", async () => {
      const answered = new Map<string, number>();
      statusFor = (path) => {
        const seen = (answered.get(path) ?? 0) + 1;
        answered.set(path, seen);
        return seen <= 2 ? 503 : 200;
      };
      const applied = await applySearchAccess(signedSecurityApi(endpoint, credentials), { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] });
      assert.deepEqual(applied.map((a) => a.statusCode), [200, 200, 200, 200]);
    });

    it("a domain that keeps failing fails the deployment, naming the answer", async () => {
      statusFor = () => 500;
      await assert.rejects(
        applySearchAccess(signedSecurityApi(endpoint, credentials), { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] }),
        /answered 500/,
      );
      assert.equal(requests.filter((r) => r.path.endsWith(`/roles/${indexerRoleName}`)).length, 4, "the first attempt and three retries");
    });
  });

  it("the input must name an OpenSearch Service https endpoint and IAM role ARNs", async () => {
    const good = { endpoint: "https://vpc-orders-abc123.eu-west-1.es.amazonaws.com", indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] };
    assert.ok(accessRequestSchema.safeParse(good).success);
    for (const bad of [
      { ...good, endpoint: "http://vpc-orders-abc123.eu-west-1.es.amazonaws.com" },
      { ...good, endpoint: "https://attacker.example.com" },
      { ...good, readerRoleArns: [] },
      { ...good, indexerRoleArns: ["arn:aws:iam::123456789012:user/someone"] },
      { ...good, extra: true },
    ]) {
      assert.equal(accessRequestSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
    await assert.rejects(handler({ ...good, endpoint: "https://attacker.example.com" }), /search-access input is invalid: .*endpoint/s);
  });
});
