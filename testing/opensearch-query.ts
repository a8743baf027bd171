// A small, honest subset of OpenSearch's `_search`: the query types a typical API sends
// (bool with must/filter/should/must_not, term, terms, prefix, range, match, multi_match, ids,
// exists, match_all), sort with search_after, from/size, track_total_hits and _source filtering,
// and the `terms` and `filter` aggregations (./opensearch-aggregations).
// Text fields are analysed like the standard analyzer (lower-cased words); keyword fields
// match exactly. Anything outside the subset is refused with a 400 parsing_exception, so a
// test never passes against a query the fake silently misunderstood.
import { aggregate } from "./opensearch-aggregations";
import { dateMillis, type FieldMapping, fieldAt, type Mappings } from "./opensearch-mapping";

export class QueryError extends Error {
  constructor(
    readonly type: string,
    readonly reason: string,
    readonly status = 400,
  ) {
    super(reason);
  }
}

export interface SearchableDocument {
  index: string;
  id: string;
  source: Record<string, unknown>;
  mappings: Mappings;
}

export interface SearchHit {
  _index: string;
  _id: string;
  _score: number | null;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}

type Query = Record<string, unknown>;

interface Match {
  matches: boolean;
  score: number;
}

const miss: Match = { matches: false, score: 0 };

export function analyze(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The values at a dotted path, arrays of objects flattened (how OpenSearch indexes `object` arrays). */
export function valuesAt(source: unknown, path: string): unknown[] {
  let current: unknown[] = [source];
  for (const part of path.split(".")) {
    const next: unknown[] = [];
    for (const value of current) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== null && typeof item === "object" && part in (item as object))
          next.push((item as Record<string, unknown>)[part]);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== null && v !== undefined);
}

/** The source path of a field name (`lines.name.keyword` → `lines.name`). */
export function sourcePath(mappings: Mappings, field: string): string {
  const parts = field.split(".");
  if (parts.length > 1) {
    const parent = fieldAt(mappings, parts.slice(0, -1).join("."));
    if (parent?.fields?.[parts[parts.length - 1]]) return parts.slice(0, -1).join(".");
  }
  return field;
}

export function comparable(field: FieldMapping | undefined, value: unknown): number | string | undefined {
  switch (field?.type) {
    case "date":
      return dateMillis(value, field.format);
    case "long":
    case "integer":
    case "short":
    case "byte":
    case "float":
    case "double": {
      const number = Number(value);
      return Number.isNaN(number) ? undefined : number;
    }
    case "boolean":
      return String(value) === "true" ? 1 : 0;
    default:
      return String(value);
  }
}

function single(query: unknown, name: string): [string, unknown] {
  const entries = Object.entries((query ?? {}) as object);
  if (entries.length !== 1)
    throw new QueryError("parsing_exception", `[${name}] query malformed, expected exactly one field`);
  return entries[0];
}

function asArray(value: unknown): Query[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Query[];
}

function termMatches(doc: SearchableDocument, field: string, value: unknown): boolean {
  const mapping = fieldAt(doc.mappings, field);
  const values = valuesAt(doc.source, sourcePath(doc.mappings, field));
  if (mapping?.type === "text") return values.some((v) => analyze(String(v)).includes(String(value)));
  const wanted = comparable(mapping, value);
  return values.some((v) => comparable(mapping, v) === wanted);
}

function matchField(doc: SearchableDocument, field: string, text: string, operator: string): Match {
  const mapping = fieldAt(doc.mappings, field);
  const values = valuesAt(doc.source, sourcePath(doc.mappings, field));
  if (mapping?.type === "text" || mapping === undefined) {
    const tokens = analyze(text);
    if (tokens.length === 0) return miss;
    const indexed = new Set(values.flatMap((v) => analyze(String(v))));
    const hits = tokens.filter((t) => indexed.has(t)).length;
    const matches = operator === "and" ? hits === tokens.length : hits > 0;
    return { matches, score: matches ? hits : 0 };
  }
  const wanted = comparable(mapping, text);
  const matches = wanted !== undefined && values.some((v) => comparable(mapping, v) === wanted);
  return { matches, score: matches ? 1 : 0 };
}

export function evaluate(query: Query | undefined, doc: SearchableDocument): Match {
  if (query === undefined) return { matches: true, score: 1 };
  const [type, body] = single(query, "query");
  const spec = body as Record<string, unknown>;
  switch (type) {
    case "match_all":
      return { matches: true, score: 1 };
    case "match_none":
      return miss;
    case "ids": {
      const values = (spec.values ?? []) as string[];
      return values.includes(doc.id) ? { matches: true, score: 1 } : miss;
    }
    case "exists":
      return valuesAt(doc.source, sourcePath(doc.mappings, String(spec.field))).length > 0
        ? { matches: true, score: 1 }
        : miss;
    case "term": {
      const [field, value] = single(spec, "term");
      const wanted = value !== null && typeof value === "object" ? (value as { value: unknown }).value : value;
      return termMatches(doc, field, wanted) ? { matches: true, score: 1 } : miss;
    }
    case "terms": {
      const [field, values] = single(spec, "terms");
      if (!Array.isArray(values))
        throw new QueryError("parsing_exception", "[terms] query requires an array of values");
      return values.some((v) => termMatches(doc, field, v)) ? { matches: true, score: 1 } : miss;
    }
    case "prefix": {
      // A keyword's whole value (a text field's terms) starting with the value; case_insensitive as documented.
      const [field, value] = single(spec, "prefix");
      const options =
        value !== null && typeof value === "object"
          ? (value as { value: unknown; case_insensitive?: boolean })
          : { value };
      const fold = (v: string) => (options.case_insensitive ? v.toLowerCase() : v);
      const wanted = fold(String(options.value));
      const mapping = fieldAt(doc.mappings, field);
      const values = valuesAt(doc.source, sourcePath(doc.mappings, field)).flatMap((v) =>
        mapping?.type === "text" ? analyze(String(v)) : [String(v)],
      );
      return values.some((v) => fold(v).startsWith(wanted)) ? { matches: true, score: 1 } : miss;
    }
    case "range": {
      const [field, bounds] = single(spec, "range");
      const mapping = fieldAt(doc.mappings, field);
      const b = bounds as Record<string, unknown>;
      const known = ["gt", "gte", "lt", "lte", "format", "time_zone", "boost"];
      const unknown = Object.keys(b).find((k) => !known.includes(k));
      if (unknown) throw new QueryError("parsing_exception", `[range] query does not support [${unknown}]`);
      const bound = (key: string) =>
        b[key] === undefined || b[key] === null ? undefined : comparable(mapping, b[key]);
      const [gt, gte, lt, lte] = ["gt", "gte", "lt", "lte"].map(bound);
      for (const [key, value] of Object.entries({ gt, gte, lt, lte })) {
        if (b[key] !== undefined && b[key] !== null && value === undefined) {
          throw new QueryError(
            "parse_exception",
            `failed to parse [${String(b[key])}] for range [${key}] on field [${field}]`,
          );
        }
      }
      const inRange = valuesAt(doc.source, sourcePath(doc.mappings, field)).some((raw) => {
        const v = comparable(mapping, raw);
        if (v === undefined) return false;
        return (
          (gt === undefined || v > gt) &&
          (gte === undefined || v >= gte) &&
          (lt === undefined || v < lt) &&
          (lte === undefined || v <= lte)
        );
      });
      return inRange ? { matches: true, score: 1 } : miss;
    }
    case "match": {
      const [field, value] = single(spec, "match");
      const options =
        value !== null && typeof value === "object"
          ? (value as { query: unknown; operator?: string })
          : { query: value };
      return matchField(doc, field, String(options.query), String(options.operator ?? "or").toLowerCase());
    }
    case "multi_match": {
      const fields = spec.fields as string[] | undefined;
      if (!Array.isArray(fields) || fields.length === 0)
        throw new QueryError("parsing_exception", "[multi_match] requires fields in this fake");
      const allowedTypes = [undefined, "best_fields", "most_fields", "cross_fields", "phrase_prefix", "bool_prefix"];
      if (!allowedTypes.includes(spec.type as string | undefined))
        throw new QueryError(
          "parsing_exception",
          `[multi_match] type [${String(spec.type)}] is not supported by this fake`,
        );
      const operator = String(spec.operator ?? "or").toLowerCase();
      let best = miss;
      for (const entry of fields) {
        const [field, boost] = entry.split("^");
        const m = matchField(doc, field, String(spec.query ?? ""), operator);
        const score = m.score * (boost ? Number(boost) : 1);
        if (m.matches && score > best.score) best = { matches: true, score };
      }
      return best;
    }
    case "bool": {
      const known = ["must", "filter", "should", "must_not", "minimum_should_match", "boost"];
      const unknown = Object.keys(spec).find((k) => !known.includes(k));
      if (unknown) throw new QueryError("parsing_exception", `[bool] query does not support [${unknown}]`);
      let score = 0;
      for (const q of asArray(spec.must)) {
        const m = evaluate(q, doc);
        if (!m.matches) return miss;
        score += m.score;
      }
      for (const q of asArray(spec.filter)) if (!evaluate(q, doc).matches) return miss;
      for (const q of asArray(spec.must_not)) if (evaluate(q, doc).matches) return miss;
      const should = asArray(spec.should).map((q) => evaluate(q, doc));
      const shouldHits = should.filter((m) => m.matches);
      const hasRequired = asArray(spec.must).length + asArray(spec.filter).length > 0;
      const minimum =
        spec.minimum_should_match !== undefined
          ? Number(spec.minimum_should_match)
          : should.length > 0 && !hasRequired
            ? 1
            : 0;
      if (shouldHits.length < minimum) return miss;
      score += shouldHits.reduce((sum, m) => sum + m.score, 0);
      return { matches: true, score: score || (hasRequired || should.length ? 0 : 1) };
    }
    default:
      throw new QueryError("parsing_exception", `unknown query [${type}]`);
  }
}

interface SortKey {
  field: string;
  order: "asc" | "desc";
}

function sortKeys(sort: unknown): SortKey[] {
  if (sort === undefined) return [];
  return (Array.isArray(sort) ? sort : [sort]).map((entry) => {
    if (typeof entry === "string") return { field: entry, order: entry === "_score" ? "desc" : "asc" };
    const [field, spec] = single(entry, "sort");
    const order =
      typeof spec === "string" ? spec : ((spec as { order?: string }).order ?? (field === "_score" ? "desc" : "asc"));
    if (order !== "asc" && order !== "desc")
      throw new QueryError("parsing_exception", `[sort] order must be asc or desc, got [${order}]`);
    return { field, order };
  });
}

function sortValue(doc: SearchableDocument, score: number, key: SortKey): number | string | null {
  if (key.field === "_score") return score;
  if (key.field === "_id") return doc.id;
  const mapping = fieldAt(doc.mappings, key.field);
  if (mapping?.type === "text")
    throw new QueryError(
      "illegal_argument_exception",
      `Text fields are not optimised for sorting; use [${key.field}.keyword]`,
    );
  const values = valuesAt(doc.source, sourcePath(doc.mappings, key.field))
    .map((v) => comparable(mapping, v))
    .filter((v): v is number | string => v !== undefined);
  if (values.length === 0) return null;
  return values.reduce((a, b) => ((key.order === "asc" ? a < b : a > b) ? a : b));
}

function compare(a: number | string | null, b: number | string | null, order: "asc" | "desc"): number {
  if (a === b) return 0;
  if (a === null) return 1; // missing values last, either order
  if (b === null) return -1;
  const c = a < b ? -1 : 1;
  return order === "asc" ? c : -c;
}

function filterSource(source: Record<string, unknown>, spec: unknown): Record<string, unknown> | undefined {
  if (spec === undefined || spec === true) return source;
  if (spec === false) return undefined;
  const includes = Array.isArray(spec)
    ? spec
    : typeof spec === "string"
      ? [spec]
      : ((spec as { includes?: string[] }).includes ?? []);
  if (includes.length === 0) return source;
  return Object.fromEntries(
    Object.entries(source).filter(([key]) =>
      includes.some((p: string) => p === key || p.startsWith(`${key}.`) || p === "*"),
    ),
  );
}

/** Runs a search body over documents; returns OpenSearch's `hits` object. */
export function search(documents: SearchableDocument[], body: Record<string, unknown>) {
  return searchResponse(documents, body).hits;
}

/** Runs a search body over documents: the `hits` and, when the body asks for any, the `aggregations`. */
export function searchResponse(documents: SearchableDocument[], body: Record<string, unknown>) {
  const known = [
    "query",
    "sort",
    "size",
    "from",
    "search_after",
    "track_total_hits",
    "_source",
    "aggs",
    "aggregations",
  ];
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown) throw new QueryError("parsing_exception", `[${unknown}] is not supported by this fake OpenSearch`);
  const size = body.size === undefined ? 10 : Number(body.size);
  const from = body.from === undefined ? 0 : Number(body.from);
  if (!Number.isInteger(size) || size < 0 || !Number.isInteger(from) || from < 0) {
    throw new QueryError("illegal_argument_exception", "[from] and [size] must be non-negative integers");
  }
  if (from + size > 10_000)
    throw new QueryError(
      "illegal_argument_exception",
      "Result window is too large, from + size must be less than or equal to: [10000]",
    );
  const keys = sortKeys(body.sort);
  const scored = documents
    .map((doc) => ({ doc, match: evaluate(body.query as Query | undefined, doc) }))
    .filter((r) => r.match.matches)
    .map((r) => ({ ...r, values: keys.map((k) => sortValue(r.doc, r.match.score, k)) }));
  if (keys.length === 0) scored.sort((a, b) => b.match.score - a.match.score);
  else scored.sort((a, b) => keys.reduce((c, k, i) => c || compare(a.values[i], b.values[i], k.order), 0));

  let page = scored;
  if (body.search_after !== undefined) {
    const after = body.search_after as unknown[];
    if (!Array.isArray(after) || after.length !== keys.length) {
      throw new QueryError(
        "illegal_argument_exception",
        "search_after has to have as many values as the sort has fields",
      );
    }
    page = scored.filter(
      (r) => keys.reduce((c, k, i) => c || compare(r.values[i], after[i] as number | string | null, k.order), 0) > 0,
    );
  }
  const hits: SearchHit[] = page.slice(from, from + size).map((r) => ({
    _index: r.doc.index,
    _id: r.doc.id,
    _score: keys.length === 0 || keys.some((k) => k.field === "_score") ? r.match.score : null,
    _source: filterSource(r.doc.source, body._source),
    ...(keys.length > 0 ? { sort: r.values } : {}),
  }));
  if (body.aggs !== undefined && body.aggregations !== undefined)
    throw new QueryError("parsing_exception", "Found two aggregation type definitions: [aggs] and [aggregations]");
  const aggs = body.aggs ?? body.aggregations;
  return {
    hits: {
      total: { value: scored.length, relation: "eq" },
      max_score: hits.length && hits[0]._score !== null ? Math.max(...hits.map((h) => h._score ?? 0)) : null,
      hits,
    },
    // Aggregations run over every matching document, whatever the page (size 0 included).
    ...(aggs !== undefined
      ? {
          aggregations: aggregate(
            aggs,
            scored.map((r) => r.doc),
          ),
        }
      : {}),
  };
}
