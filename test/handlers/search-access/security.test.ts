// The deploy-time step that grants the two Lambda roles their OpenSearch security roles, run
// with the real SigV4-signing client against a stand-in of the security REST API on loopback.
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ordersIndex } from "../../../handlers/shared/order-index";
import {
  accessRequestSchema,
  applySearchAccess,
  indexerRoleName,
  readerRoleName,
  securityRoles,
} from "../../../handlers/search-access/security";
import { isSigned, recordHttpCall } from "../../../testing/aws-calls";

process.env.AWS_REGION ??= "eu-west-1";
const { signedSecurityApi, handler, retryPolicy, requestTimeoutMs, reserveMs, isRetryableStatus } =
  // biome-ignore lint/style/noCommonJs: loaded after AWS_REGION is set, which the module reads at import
  require("../../../handlers/search-access/index") as typeof import("../../../handlers/search-access/index");
import { type RetryPolicy, retryWithinBudget } from "../../../handlers/lib/retry";

/** A fixed wait of `ms` between attempts, as many attempts as the deadline allows. */
const every = (ms: number): RetryPolicy => ({
  maxAttempts: Number.POSITIVE_INFINITY,
  baseDelayMs: ms,
  maxDelayMs: ms,
  jitter: false,
});

interface Recorded {
  method: string;
  path: string;
  body: any;
  authorization?: string;
}

const indexerArn = "arn:aws:iam::123456789012:role/indexer-role-1a2b";
const readerArn = "arn:aws:iam::123456789012:role/orders-role-3c4d";
const credentials = async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" });

describe("search-access (FGAC roles and role mappings)", () => {
  /** A client whose retries (5 ms apart) must end within `budgetMs`. */
  const api = (budgetMs = 5_000) =>
    signedSecurityApi(endpoint, credentials, { deadlineMs: Date.now() + budgetMs, attemptMs: 1_000, policy: every(5) });
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
        requests.push({
          method: req.method ?? "",
          path: req.url ?? "",
          body: text ? JSON.parse(text) : undefined,
          authorization: req.headers.authorization,
        });
        const status = statusFor(req.url ?? "");
        res.writeHead(status, { "content-type": "application/json" });
        res.end(
          JSON.stringify(
            status < 300
              ? { status: "OK", message: "'x' updated." }
              : { status: "FORBIDDEN", message: "no permissions for security api" },
          ),
        );
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
    for (const r of requests.filter((r) => isSigned({ authorization: r.authorization })))
      recordHttpCall("search-access", r.method, r.path);
  });

  it("creates both roles before mapping the IAM role ARNs to them, every request SigV4-signed", async () => {
    const applied = await applySearchAccess(api(), {
      endpoint,
      indexerRoleArns: [indexerArn],
      readerRoleArns: [readerArn],
    });
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      [
        `PUT /_plugins/_security/api/roles/${indexerRoleName}`,
        `PUT /_plugins/_security/api/roles/${readerRoleName}`,
        `PUT /_plugins/_security/api/rolesmapping/${indexerRoleName}`,
        `PUT /_plugins/_security/api/rolesmapping/${readerRoleName}`,
      ],
    );
    assert.ok(
      requests.every((r) =>
        /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/es\/aws4_request/.test(r.authorization ?? ""),
      ),
      "every request signed for es",
    );
    assert.deepEqual(requests[2].body, { backend_roles: [indexerArn], users: [], hosts: [] });
    assert.deepEqual(requests[3].body, { backend_roles: [readerArn], users: [], hosts: [] });
    assert.equal(applied.length, 4);
  });

  it("gives the reader read-only access to the orders index and the indexer nothing beyond it", async () => {
    await applySearchAccess(api(), { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] });
    const reader = requests.find((r) => r.path.endsWith(`/roles/${readerRoleName}`))!.body;
    assert.deepEqual(reader.index_permissions, [{ index_patterns: [ordersIndex], allowed_actions: ["read"] }]);
    assert.deepEqual(reader.cluster_permissions, ["cluster_composite_ops_ro"]);
    const indexer = requests.find((r) => r.path.endsWith(`/roles/${indexerRoleName}`))!.body;
    assert.deepEqual(
      indexer.index_permissions.map((p: any) => p.index_patterns),
      [[ordersIndex]],
    );
    assert.ok(!JSON.stringify(securityRoles).includes("security"), "no role touches the security configuration");
    assert.ok(!JSON.stringify(securityRoles).includes("*"), "no wildcard index or action");
  });

  it("running again sends the same requests (converges, nothing accumulates)", async () => {
    const request = { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn, readerArn] };
    await applySearchAccess(api(), request);
    const first = requests.map((r) => JSON.stringify([r.path, r.body]));
    requests = [];
    await applySearchAccess(api(), request);
    assert.deepEqual(
      requests.map((r) => JSON.stringify([r.path, r.body])),
      first,
    );
    assert.deepEqual(requests[3].body.backend_roles, [readerArn], "a role listed twice is mapped once");
  });

  it("a 403 right after the domain was created (master role not yet recognised) is retried, and every change lands", async () => {
    const answered = new Map<string, number>();
    statusFor = (path) => {
      const seen = (answered.get(path) ?? 0) + 1;
      answered.set(path, seen);
      return seen <= 2 ? 403 : 200;
    };
    const applied = await applySearchAccess(api(), {
      endpoint,
      indexerRoleArns: [indexerArn],
      readerRoleArns: [readerArn],
    });
    assert.deepEqual(
      applied.map((a) => a.statusCode),
      [200, 200, 200, 200],
    );
  });

  it("a role still refused when the budget runs out stops before any mapping is written and names the answer", async () => {
    statusFor = (path) => (path.endsWith(`/roles/${readerRoleName}`) ? 403 : 200);
    await assert.rejects(
      applySearchAccess(api(1_200), { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] }),
      /PUT \/_plugins\/_security\/api\/roles\/orders_reader answered 403: .*no permissions for security api/,
    );
    assert.ok(!requests.some((r) => r.path.includes("rolesmapping")), "no mapping written");
  });

  it("a brand-new domain's brief 503 is waited out, and every change still lands", async () => {
    const answered = new Map<string, number>();
    statusFor = (path) => {
      const seen = (answered.get(path) ?? 0) + 1;
      answered.set(path, seen);
      return seen <= 2 ? 503 : 200;
    };
    const applied = await applySearchAccess(api(), {
      endpoint,
      indexerRoleArns: [indexerArn],
      readerRoleArns: [readerArn],
    });
    assert.deepEqual(
      applied.map((a) => a.statusCode),
      [200, 200, 200, 200],
    );
  });

  it("a request refused for good (400) is not retried", async () => {
    statusFor = () => 400;
    await assert.rejects(
      applySearchAccess(api(), { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] }),
      /answered 400/,
    );
    assert.equal(requests.length, 1);
  });

  describe("the retry budget fits the function's timeout", () => {
    /** A clock that only moves when an attempt runs (each takes `attemptMs`, the worst case) or a wait is taken. */
    function fakeClock() {
      let t = 0;
      return { now: () => t, sleep: async (ms: number) => void (t += ms), take: (ms: number) => (t += ms) };
    }

    /** applySearchAccess against a domain answering `statusAt(t)` after `answerMs` (the request timeout: the worst case). */
    function timedRun(statusAt: (t: number) => number, answerMs = requestTimeoutMs, timeoutMs = 60_000) {
      const clock = fakeClock();
      const budget = {
        deadlineMs: timeoutMs - reserveMs,
        attemptMs: requestTimeoutMs,
        policy: { ...retryPolicy, sleep: clock.sleep },
        now: clock.now,
      };
      const timed = {
        put: (_path: string, _body: object) =>
          retryWithinBudget(
            async () => {
              clock.take(answerMs);
              const statusCode = statusAt(clock.now());
              return { statusCode, body: { status: statusCode } };
            },
            (r) => !isRetryableStatus(r.statusCode),
            budget,
          ),
      };
      return {
        clock,
        run: applySearchAccess(timed, { endpoint, indexerRoleArns: [indexerArn], readerRoleArns: [readerArn] }),
      };
    }

    it("a domain that never gets ready fails the run before a 60 s timeout, with the real schedule", async () => {
      const { clock, run } = timedRun(() => 503);
      await assert.rejects(run, /answered 503/);
      assert.ok(clock.now() <= 60_000 - reserveMs, `the run took ${clock.now()} ms of a 60,000 ms timeout`);
    });

    it("a domain ready after 25 s gets all four changes within the timeout", async () => {
      const { clock, run } = timedRun((t) => (t < 25_000 ? 403 : 200), 500);
      assert.equal((await run).length, 4);
      assert.ok(clock.now() <= 60_000 - reserveMs, `the run took ${clock.now()} ms`);
    });

    it("no request starts that could not end before the deadline", async () => {
      await assert.rejects(
        retryWithinBudget(
          async () => 200,
          () => true,
          { deadlineMs: 5_000, attemptMs: 10_000, policy: every(1_000), now: () => 0 },
        ),
        /no time left for a request/,
      );
    });

    it("an attempt that throws (no answer yet) is retried; the last error is thrown when time is up", async () => {
      const clock = fakeClock();
      let calls = 0;
      const ok = await retryWithinBudget(
        async () => {
          if (++calls < 3) throw new Error("ECONNREFUSED");
          return 200;
        },
        (s) => !isRetryableStatus(s),
        { deadlineMs: 60_000, attemptMs: 10_000, policy: { ...every(1_000), sleep: clock.sleep }, now: clock.now },
      );
      assert.equal(ok, 200);
      await assert.rejects(
        retryWithinBudget(
          async () => {
            clock.take(10_000);
            throw new Error("ETIMEDOUT");
          },
          () => true,
          {
            deadlineMs: clock.now() + 25_000,
            attemptMs: 10_000,
            policy: { ...every(1_000), sleep: clock.sleep },
            now: clock.now,
          },
        ),
        /ETIMEDOUT/,
      );
    });
  });

  it("the input must name an OpenSearch Service https endpoint and IAM role ARNs", async () => {
    const good = {
      endpoint: "https://vpc-orders-abc123.eu-west-1.es.amazonaws.com",
      indexerRoleArns: [indexerArn],
      readerRoleArns: [readerArn],
    };
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
    await assert.rejects(
      handler({ ...good, endpoint: "https://attacker.example.com" }, { getRemainingTimeInMillis: () => 60_000 }),
      /search-access input is invalid: .*endpoint/s,
    );
  });
});
