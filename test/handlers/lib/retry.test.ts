// The handlers' one retry loop, backoff, error classification and bounded-concurrency map.
import { strict as assert } from "node:assert";
import { mapWithConcurrency } from "../../../handlers/lib/concurrency";
import { backoffDelayMs, isRetryableAwsError, retrying, type RetryPolicy } from "../../../handlers/lib/retry";

const recordingPolicy = (overrides: Partial<RetryPolicy> = {}) => {
  const waits: number[] = [];
  const policy: RetryPolicy = {
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 300,
    random: () => 0.999,
    sleep: async (ms) => void waits.push(ms),
    ...overrides,
  };
  return { policy, waits };
};

describe("handlers/lib: retry", () => {
  it("backs off exponentially up to the cap, with full jitter drawn below the ceiling", () => {
    const { policy } = recordingPolicy({ random: () => 0.5 });
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffDelayMs(policy, n)),
      [50, 100, 150, 150],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffDelayMs({ ...policy, jitter: false }, n)),
      [100, 200, 300, 300],
    );
  });

  it("stops at the first 'done', and reports the attempts used", async () => {
    const { policy, waits } = recordingPolicy();
    let calls = 0;
    assert.deepEqual(await retrying(policy, async () => (++calls < 3 ? "retry" : "done")), {
      attempts: 3,
      exhausted: false,
    });
    assert.equal(waits.length, 2);
  });

  it("gives up after maxAttempts, exhausted, without a wait after the last attempt", async () => {
    const { policy, waits } = recordingPolicy();
    assert.deepEqual(await retrying(policy, async () => "retry"), { attempts: 4, exhausted: true });
    assert.equal(waits.length, 3);
  });

  it("starts no attempt that could not end before the deadline", async () => {
    const { policy, waits } = recordingPolicy({ maxAttempts: Number.POSITIVE_INFINITY, jitter: false });
    let left = 1_000;
    const outcome = await retrying(
      policy,
      async () => {
        left -= 250;
        return "retry";
      },
      {
        timeLeftMs: () => left,
        attemptMs: 250,
      },
    );
    // 1,000 → attempt (750 left) → wait 100 → attempt (500) → wait 200 → attempt (250): a 300 ms
    // wait would leave less than the 250 ms an attempt may take, so no fourth attempt.
    assert.deepEqual(outcome, { attempts: 3, exhausted: true });
    assert.deepEqual(waits, [100, 200]);
  });

  describe("which AWS errors are retried", () => {
    const error = (name: string, status?: number, extra: object = {}) =>
      Object.assign(new Error(name), {
        name,
        ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
        ...extra,
      });
    const retried: Array<[string, unknown]> = [
      ["throttling by name", error("ThrottlingException", 400)],
      ["DynamoDB throughput", error("ProvisionedThroughputExceededException", 400)],
      ["429", error("TooManyRequests", 429)],
      ["500", error("InternalFailure", 500)],
      ["503 (Firehose's throttling)", error("ServiceUnavailableException", 503)],
      ["an SDK timeout", error("TimeoutError")],
      ["a reset connection", error("Error", undefined, { code: "ECONNRESET" })],
      ["no reply at all", error("Error")],
      ["a retryable trait", error("SomethingNew", 400, { $retryable: {} })],
    ];
    const notRetried: Array<[string, unknown]> = [
      ["a validation error", error("ValidationException", 400, { $fault: "client" })],
      ["access denied", error("AccessDeniedException", 403, { $fault: "client" })],
      ["a missing resource", error("ResourceNotFoundException", 404, { $fault: "client" })],
      ["a client fault before any reply", error("InvalidInputException", undefined, { $fault: "client" })],
    ];
    for (const [what, e] of retried) it(`retries ${what}`, () => assert.equal(isRetryableAwsError(e), true));
    for (const [what, e] of notRetried) it(`does not retry ${what}`, () => assert.equal(isRetryableAwsError(e), false));
  });
});

describe("handlers/lib: mapWithConcurrency", () => {
  it("keeps input order and never has more than the limit in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return `${i}:${n}`;
    });
    assert.deepEqual(results, ["0:5", "1:1", "2:4", "3:2", "4:3", "5:0", "6:6"]);
    assert.equal(most, 3);
  });

  it("runs nothing for an empty list", async () => {
    assert.deepEqual(await mapWithConcurrency([], 4, async () => assert.fail("called")), []);
  });
});
