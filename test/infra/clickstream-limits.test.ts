// The clickstream limits the config enforces, computed from the event model: the largest
// batch Lambda can deliver, and the Personalize calls in flight the PutEvents quota allows.
import { strict as assert } from "node:assert";
import {
  lambdaSyncPayloadBytes,
  largestEventJsonBytes,
  largestRecordInEventBytes,
  maxDeliverableBatchSize,
  personalizeInFlightLimit,
} from "../../components/clickstream-limits";
import { clickstreamEventSchema, maxIdLength, maxUrlLength } from "../../handlers/shared/clickstream-event";
import { syntheticStreamEvent } from "../../testing/clickstream-events";

/** An event at every maximum the schema allows: free text of control characters, properties of non-ASCII. */
function largestEvent() {
  const id = (c: string) => c.repeat(maxIdLength);
  // 1,024 characters once serialised (values at most 256 each); 6 bytes each where the collector escapes them.
  const keys = ["a", "b", "c", "d"];
  const frame = JSON.stringify(Object.fromEntries(keys.map((k) => [k, ""]))).length;
  const properties = Object.fromEntries(keys.map((k) => [k, "é".repeat(Math.floor((1024 - frame) / keys.length))]));
  return {
    eventId: id("e"),
    eventType: "remove_from_cart",
    sessionId: id("s"),
    userId: id("u"),
    itemId: id("i"),
    timestamp: `2026-01-01T00:00:00.${"0".repeat(64 - 26)}+00:00`.slice(0, 64),
    page: { url: "\u0001".repeat(maxUrlLength), referrer: "\u0002".repeat(maxUrlLength) },
    properties,
  };
}

/** The event's JSON as a collector that escapes every non-ASCII character writes it (\\u00e9). */
const recordText = (event: unknown) =>
  JSON.stringify(event).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

describe("clickstream limits", () => {
  it("the largest event the model allows is no larger than the computed bound, and is valid", () => {
    const event = largestEvent();
    const parsed = clickstreamEventSchema.safeParse(event);
    assert.ok(
      parsed.success || parsed.error.issues.every((i) => i.path[0] === "timestamp"),
      JSON.stringify(!parsed.success && parsed.error.issues),
    );
    const bytes = Buffer.byteLength(recordText(event));
    assert.ok(bytes <= largestEventJsonBytes(), `${bytes} <= ${largestEventJsonBytes()}`);
    assert.ok(bytes > 0.95 * largestEventJsonBytes(), "the bound is close to a real event, not a guess far above it");
  });

  it("a batch of the maximum deliverable size of the largest events fits Lambda's 6 MB; one more record may not", () => {
    const max = maxDeliverableBatchSize();
    assert.equal(max, 145);
    const text = recordText(largestEvent());
    const payload = (n: number) =>
      Buffer.byteLength(JSON.stringify(syntheticStreamEvent(Array.from({ length: n }, () => text))));
    assert.ok(payload(max) <= lambdaSyncPayloadBytes, `${payload(max)} bytes`);
    assert.ok((max + 1) * largestRecordInEventBytes() > lambdaSyncPayloadBytes);
  });

  it("Personalize in flight: the PutEvents quota shared by shards x parallelization, at 20 ms a call; never below 1", () => {
    assert.equal(personalizeInFlightLimit({ quotaPerSecond: 1000, shards: 1, parallelization: 1 }), 20);
    assert.equal(personalizeInFlightLimit({ quotaPerSecond: 1000, shards: 4, parallelization: 1 }), 5);
    assert.equal(personalizeInFlightLimit({ quotaPerSecond: 1000, shards: 4, parallelization: 2 }), 2);
    assert.equal(personalizeInFlightLimit({ quotaPerSecond: 1000, shards: 500, parallelization: 10 }), 1);
    assert.equal(personalizeInFlightLimit({ quotaPerSecond: 4000, shards: 4, parallelization: 1 }), 20);
    // In flight x (1 s / 20 ms) x invocations never exceeds the quota.
    for (const [shards, parallelization] of [
      [1, 1],
      [2, 3],
      [4, 2],
      [7, 10],
    ]) {
      const inFlight = personalizeInFlightLimit({ quotaPerSecond: 1000, shards, parallelization });
      assert.ok(
        inFlight === 1 || inFlight * 50 * shards * parallelization <= 1000,
        `${shards}x${parallelization}: ${inFlight}`,
      );
    }
  });
});
