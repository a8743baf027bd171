// The OpenSearch stand-in reads dates as OpenSearch does (strict_date_optional_time, java.time):
// an offset beyond ±18:00 is not a date there, so the stand-in refuses it too, rather than
// letting a handler pass tests with a query the real domain answers with parse_exception.
import { strict as assert } from "node:assert";
import { dateMillis } from "../../testing/opensearch-mapping";

describe("OpenSearch stand-in: dates", () => {
  it("takes offsets up to ±18:00, as java.time's ZoneOffset does", () => {
    assert.equal(dateMillis("2026-11-30T18:00:00+18:00"), Date.parse("2026-11-30T00:00:00Z"));
    assert.equal(dateMillis("2026-11-30T18:00:00-18:00"), Date.parse("2026-12-01T12:00:00Z"));
    assert.equal(dateMillis("2026-11-30T18:00:00.000Z"), Date.parse("2026-11-30T18:00:00Z"));
  });

  it("refuses an offset beyond ±18:00 (+19:00, -18:30), which the real domain cannot parse", () => {
    assert.equal(dateMillis("2026-11-30T18:00:00+19:00"), undefined);
    assert.equal(dateMillis("2026-11-30T18:00:00-18:30"), undefined);
    assert.equal(dateMillis("2026-11-30T18:00:00+2359"), undefined);
  });
});
