// OpenSearch aggregations in the fake: `terms` (field, size, include/exclude as arrays of exact
// values, min_doc_count, order by _count or _key) and `filter` (a query), each with
// sub-aggregations, in the documented response shape:
//   terms  → { doc_count_error_upper_bound, sum_other_doc_count, buckets: [{ key, doc_count, ...sub }] }
//   filter → { doc_count, ...sub }
// Buckets are ordered by doc_count descending, ties by key ascending (OpenSearch's default). The
// fake is one shard, so counts are exact and doc_count_error_upper_bound is 0. Anything else
// is refused with the error OpenSearch gives, so a test never passes against a misread request.
import { fieldAt } from "./opensearch-mapping";
import { comparable, evaluate, QueryError, type SearchableDocument, sourcePath, valuesAt } from "./opensearch-query";

type AggregationSpec = Record<string, unknown>;

const termsOptions = ["field", "size", "include", "exclude", "min_doc_count", "order", "shard_size"];

function exactValues(option: string, value: unknown): Set<string> | undefined {
  if (value === undefined) return undefined;
  // A string is a regular expression in OpenSearch; the fake knows only exact-value arrays.
  if (!Array.isArray(value))
    throw new QueryError(
      "parsing_exception",
      `[terms] ${option} as a regular expression is not supported by this fake: pass an array of values`,
    );
  return new Set(value.map(String));
}

type Bucket = { key: string | number; docs: SearchableDocument[] };

function bucketOrder(order: unknown): (a: Bucket, b: Bucket) => number {
  const byKey = (a: Bucket, b: Bucket) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const [criterion, direction] = order === undefined ? ["_count", "desc"] : (Object.entries(order as object)[0] ?? []);
  if (criterion !== "_count" && criterion !== "_key")
    throw new QueryError(
      "parsing_exception",
      `[terms] order by [${String(criterion)}] is not supported by this fake (only _count and _key)`,
    );
  if (direction !== "asc" && direction !== "desc")
    throw new QueryError(
      "parsing_exception",
      `[terms] order direction must be asc or desc, got [${String(direction)}]`,
    );
  const sign = direction === "asc" ? 1 : -1;
  if (criterion === "_key") return (a, b) => sign * byKey(a, b);
  return (a, b) => sign * (a.docs.length - b.docs.length) || byKey(a, b);
}

function terms(spec: Record<string, unknown>, docs: SearchableDocument[], sub: unknown): Record<string, unknown> {
  const unknown = Object.keys(spec).find((k) => !termsOptions.includes(k));
  if (unknown) throw new QueryError("parsing_exception", `[terms] unknown field [${unknown}]`);
  if (typeof spec.field !== "string")
    throw new QueryError("parsing_exception", "[terms] requires a [field] in this fake (no scripts)");
  const field = spec.field;
  const size = spec.size === undefined ? 10 : Number(spec.size);
  if (!Number.isInteger(size) || size < 1)
    throw new QueryError(
      "illegal_argument_exception",
      `[size] must be greater than 0. Found [${String(spec.size)}] in [terms]`,
    );
  const minDocCount = spec.min_doc_count === undefined ? 1 : Number(spec.min_doc_count);
  const include = exactValues("include", spec.include);
  const exclude = exactValues("exclude", spec.exclude);
  const buckets = new Map<string | number, Bucket>();
  for (const doc of docs) {
    const mapping = fieldAt(doc.mappings, field);
    if (mapping?.type === "text") {
      throw new QueryError(
        "illegal_argument_exception",
        `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${field}] in order to load field data by uninverting the inverted index.`,
      );
    }
    // Each document counts once per distinct value it holds.
    const keys = new Set(
      valuesAt(doc.source, sourcePath(doc.mappings, field))
        .map((v) => comparable(mapping, v))
        .filter((k): k is string | number => k !== undefined),
    );
    for (const key of keys) {
      if (include && !include.has(String(key))) continue;
      if (exclude?.has(String(key))) continue;
      const bucket = buckets.get(key) ?? { key, docs: [] };
      bucket.docs.push(doc);
      buckets.set(key, bucket);
    }
  }
  const ordered = [...buckets.values()].filter((b) => b.docs.length >= minDocCount).sort(bucketOrder(spec.order));
  const shown = ordered.slice(0, size);
  return {
    doc_count_error_upper_bound: 0,
    sum_other_doc_count: ordered.slice(size).reduce((sum, b) => sum + b.docs.length, 0),
    buckets: shown.map((b) => ({
      key: b.key,
      doc_count: b.docs.length,
      ...(sub !== undefined ? aggregate(sub, b.docs) : {}),
    })),
  };
}

/** The `aggregations` object of a search response, for the aggregations asked over these documents. */
export function aggregate(aggs: unknown, docs: SearchableDocument[]): Record<string, unknown> {
  if (aggs === null || typeof aggs !== "object" || Array.isArray(aggs))
    throw new QueryError("parsing_exception", "[aggs] must be an object of named aggregations");
  const out: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(aggs as Record<string, AggregationSpec>)) {
    const { aggs: subAggs, aggregations: subAggregations, ...types } = definition ?? {};
    const sub = subAggs ?? subAggregations;
    const entries = Object.entries(types);
    if (entries.length !== 1)
      throw new QueryError(
        "parsing_exception",
        `Expected one aggregation type for [${name}], found [${entries.map(([t]) => t).join(", ")}]`,
      );
    const [type, spec] = entries[0];
    switch (type) {
      case "terms":
        out[name] = terms(spec as Record<string, unknown>, docs, sub);
        break;
      case "filter": {
        const matching = docs.filter((doc) => evaluate(spec as Record<string, unknown>, doc).matches);
        out[name] = { doc_count: matching.length, ...(sub !== undefined ? aggregate(sub, matching) : {}) };
        break;
      }
      default:
        throw new QueryError(
          "parsing_exception",
          `Unknown aggregation type [${type}] (this fake knows terms and filter)`,
        );
    }
  }
  return out;
}
