// The one place where Athena's SQL (Trino, engine v3) and DuckDB's differ for the queries in
// this folder. The .sql files are Athena's; DuckDB gets them through `toDuckDb` with the macros
// below defined. test/analytics/dialect.test.ts pins each difference on sample values.

/**
 * Trino's `element_at(map, key)` is NULL for a missing key (`map[key]` would fail the query);
 * DuckDB's `element_at` on a map returns a list, and its `map_extract_value` is the NULL-safe
 * scalar lookup. The queries use element_at on maps only.
 */
export function toDuckDb(athenaSql: string): string {
  return athenaSql.replace(/\belement_at\s*\(/gi, "map_extract_value(");
}

/**
 * Functions Athena has and DuckDB lacks, defined in DuckDB with Athena's behaviour:
 * json_extract_scalar is NULL for text that is not JSON (DuckDB's json_extract_string would
 * fail the query on it).
 */
export const duckDbMacros = [
  "CREATE OR REPLACE MACRO json_extract_scalar(doc, path) AS CASE WHEN json_valid(doc) THEN json_extract_string(doc, path) END",
];
