// isoTimestamp stands in for `new Date(ms).toISOString()` wherever the processor writes a time
// into the lake, so it must give the same text for every instant, not only the usual ones.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { isoTimestamp } from "../../../handlers/lib/iso-timestamp";

/** The first and last milliseconds a Date holds (ECMAScript: ±8.64e15 ms from the epoch). */
const maxDateMs = 8.64e15;

describe("isoTimestamp", () => {
  it("writes what toISOString writes, for any instant a Date holds", () => {
    fc.assert(
      fc.property(fc.integer({ min: -maxDateMs, max: maxDateMs }), (ms) => {
        assert.equal(isoTimestamp(ms), new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it("writes what toISOString writes around the edges: years 0, 9999 and 10000, the epoch, leap days, each minute's ends", () => {
    const edges = [
      -maxDateMs,
      maxDateMs,
      Date.UTC(0, 0, 1) - 1,
      Date.UTC(-1, 11, 31, 23, 59, 59, 999),
      -62167219200000, // 0000-01-01T00:00:00.000Z
      -1,
      0,
      1,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1,
    ];
    // Every millisecond offset that changes the number of digits, in one minute.
    for (const ms of [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 59_000, 59_999])
      edges.push(Date.UTC(2025, 2, 1, 11, 0) + ms);
    for (const ms of edges) assert.equal(isoTimestamp(ms), new Date(ms).toISOString(), String(ms));
  });

  it("a batch's instants in any order, with the cache full and cleared along the way", () => {
    const start = Date.UTC(2025, 2, 1, 10);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 7 * 86_400_000 }), { minLength: 1, maxLength: 6000 }),
        (offsets) => {
          for (const offset of offsets)
            assert.equal(isoTimestamp(start + offset), new Date(start + offset).toISOString());
        },
      ),
      { numRuns: 5 },
    );
  });

  it("a fraction of a millisecond is dropped, as a Date drops it", () => {
    for (const ms of [1.5, -1.5, Date.UTC(2025, 2, 1) + 0.999])
      assert.equal(isoTimestamp(ms), new Date(ms).toISOString());
  });

  it("throws as toISOString does for what no Date holds", () => {
    for (const ms of [maxDateMs + 1, -maxDateMs - 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new Date(ms).toISOString(), RangeError);
      assert.throws(() => isoTimestamp(ms), RangeError, String(ms));
    }
  });
});
