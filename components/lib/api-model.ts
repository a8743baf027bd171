// Request models as API Gateway's OpenAPI 3.0 import keeps them. A model is JSON Schema
// draft 4 read through the OpenAPI 3.0 Schema Object, and the import keeps less than either
// allows (API Gateway developer guide, "Amazon API Gateway important notes for REST APIs":
// no discriminator, example, exclusiveMinimum, readOnly, deprecated, int32/int64/decimal
// formats; allOf/anyOf/oneOf and schema-valued additionalProperties not supported in models).
// OpenAPI 3.0 itself has no `type` lists, `$schema`, `const`, `propertyNames`,
// `patternProperties` or `dependencies`. A keyword the import drops silently would leave the
// gateway enforcing less than the code believes, and with `failOnWarnings` one it warns about
// fails the deploy. So every model is reduced to the keywords below, by WIDENING only: a
// dropped keyword accepts more, never less, and the handler (or the processor's quarantine)
// re-validates everything with the full zod contract.

type Schema = Record<string, unknown>;

/** Draft-4 keywords the OpenAPI 3.0 import keeps in a model and the request validator enforces. */
export const keptKeywords: ReadonlySet<string> = new Set([
  "type",
  "properties",
  "required",
  "items",
  "enum",
  "additionalProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "title",
  "description",
]);

export interface GatewayModel {
  model: Schema;
  /** What the gateway will not check (JSON pointer and keyword): the handler does. */
  dropped: string[];
}

/** The model API Gateway keeps for `schema`, and the rules that had to go. */
export function gatewayModel(schema: Schema): GatewayModel {
  const dropped: string[] = [];
  const reduce = (node: Schema, at: string): Schema => {
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      const here = `${at}/${key}`;
      if (!keptKeywords.has(key)) {
        dropped.push(`${at || "#"} ${key}`);
      } else if (key === "type" && typeof value !== "string") {
        dropped.push(`${at || "#"} type ${JSON.stringify(value)}`); // a list of types: any type passes the gateway
      } else if (key === "additionalProperties" && typeof value !== "boolean") {
        dropped.push(`${at || "#"} additionalProperties (a schema)`); // extra properties pass unchecked
      } else if (key === "items" && Array.isArray(value)) {
        dropped.push(`${at || "#"} items (a tuple)`);
      } else if (key === "properties") {
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, Schema>).map(([name, sub]) => [name, reduce(sub, `${here}/${name}`)]),
        );
      } else if (key === "items") {
        out.items = reduce(value as Schema, here);
      } else {
        out[key] = value;
      }
    }
    return out;
  };
  return { model: reduce(schema, ""), dropped };
}

/** Constructs in `model` the import would not keep as they are (empty: the model is kept whole). */
export function unkeptConstructs(model: Schema): string[] {
  return gatewayModel(model).dropped;
}

/** API Gateway model names are alphanumeric. */
export const isValidModelName = (name: string) => /^[A-Za-z0-9]+$/.test(name);
