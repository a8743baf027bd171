// Each difference analytics/dialect.ts bridges, pinned on DuckDB with the values Athena (Trino)
// documents for it, and a guard that the queries use nothing the bridge does not cover.
import { strict as assert } from "node:assert";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { duckDbMacros, toDuckDb } from "../../analytics/dialect";
import { loadQueries } from "../../analytics/queries";

describe("analytics: the Athena → DuckDB dialect bridge", () => {
  let instance: DuckDBInstance;
  let db: DuckDBConnection;
  const one = async (athenaSql: string) => (await db.runAndReadAll(toDuckDb(athenaSql))).getRows()[0][0];

  before(async () => {
    instance = await DuckDBInstance.create(":memory:");
    db = await instance.connect();
    for (const macro of duckDbMacros) await db.run(macro);
  });
  after(() => {
    db.closeSync();
    instance.closeSync();
  });

  it("element_at(map, key): the value, or NULL for a missing key (as Trino)", async () => {
    assert.equal(await one("SELECT element_at(MAP {'query': 'mug'}, 'query')"), "mug");
    assert.equal(await one("SELECT element_at(MAP {'query': 'mug'}, 'other')"), null);
    assert.equal(toDuckDb("SELECT ELEMENT_AT (m, 'k')"), "SELECT map_extract_value(m, 'k')");
  });

  it("json_extract_scalar: a scalar as text, NULL for text that is not JSON (as Trino)", async () => {
    assert.equal(await one(`SELECT json_extract_scalar('{"eventType":"bogus"}', '$.eventType')`), "bogus");
    assert.equal(await one(`SELECT json_extract_scalar('{"eventType":7}', '$.eventType')`), "7");
    assert.equal(await one(`SELECT json_extract_scalar('{}', '$.eventType')`), null);
    assert.equal(await one(`SELECT json_extract_scalar('not json at all', '$.eventType')`), null);
  });

  it("the queries call only functions both engines share or the bridge maps", () => {
    const shared = new Set([
      "max",
      "count",
      "round",
      "cast",
      "nullif",
      "lag",
      "first_value",
      "substr",
      "coalesce",
      "lower",
      "trim",
      "unnest",
      "element_at",
      "json_extract_scalar",
    ]);
    for (const q of loadQueries()) {
      const body = q.sql.replace(/--.*$/gm, "").replace(/'[^']*'/g, "''");
      const calls = [...body.matchAll(/\b([a-z_]+)\s*\(/gi)]
        .map((m) => m[1].toLowerCase())
        .filter(
          (f) =>
            !["as", "in", "over", "and", "or", "from", "select", "where", "with"].includes(f) &&
            !/^(sessions|searches|buyers|steps|carts|accepted|refused|volume|t)$/.test(f),
        );
      assert.deepEqual(
        calls.filter((f) => !shared.has(f)),
        [],
        `${q.name} calls a function outside the shared set`,
      );
    }
  });
});
