// The two tables over the data lake, described once for both engines: the Glue Data Catalog
// (Athena, on AWS) and DuckDB (`npm run analytics`, locally). Column names and types of
// `events` are derived from the shared zod contract of a lake line, so a field added to the
// contract is a column on the next deployment, and a field of a kind this file cannot type
// fails the deployment instead of silently going missing from every query.
// Column names are the JSON keys lowercased (Glue's rule); SQL in both engines matches them
// case-insensitively, so the queries write `eventtype` for `eventType`.
import type * as z from "zod";
import { normalisedClickstreamEventSchema } from "../handlers/shared/clickstream-event";

/** A column's type, with the JSON keys of struct fields as they are written (camelCase). */
export type LakeType =
  | { kind: "string" | "int" | "double" | "boolean" }
  | { kind: "struct"; fields: { key: string; type: LakeType }[] }
  | { kind: "array"; element: LakeType }
  | { kind: "map"; value: LakeType };

export interface LakeColumn {
  /** The key in the JSON line (camelCase). */
  key: string;
  type: LakeType;
}

export interface LakeTable {
  name: "events" | "quarantine";
  description: string;
  /** Where its objects live in the lake bucket, e.g. "events/". */
  prefix: string;
  /** Path template under the prefix, in Athena's storage.location.template syntax. */
  partitionTemplate: string;
  partitions: { name: string; projection: "date" | "hour" }[];
  columns: LakeColumn[];
  /** Events are gzip JSON lines (the delivery stream's GZIP); a quarantine object is plain JSON. */
  compression: "gzip" | "uncompressed";
}

type AnyZod = z.core.$ZodType;
// biome-ignore lint/suspicious/noExplicitAny: zod's internal definition, whose fields differ per schema kind
const defOf = (schema: AnyZod) => (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;

const primitiveKinds: Record<string, "string" | "double" | "boolean"> = {
  string: "string",
  enum: "string",
  number: "double",
  boolean: "boolean",
};
const string: LakeType = { kind: "string" };

/**
 * The lake type of a zod schema. Optional fields are nullable columns; a union of primitives
 * (the flat `properties` values: string | number | boolean | null) is read as a string, which
 * both engines do for numbers and booleans alike.
 */
export function lakeTypeOf(schema: AnyZod, path = "(root)"): LakeType {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
      return lakeTypeOf(def.innerType, path);
    case "object":
      return {
        kind: "struct",
        fields: Object.entries(def.shape as Record<string, AnyZod>).map(([key, v]) => ({
          key,
          type: lakeTypeOf(v, `${path}.${key}`),
        })),
      };
    case "record":
      return { kind: "map", value: lakeTypeOf(def.valueType, `${path}[value]`) };
    case "array":
      return { kind: "array", element: lakeTypeOf(def.element, `${path}[]`) };
    case "union": {
      const options = (def.options as AnyZod[]).map((o) => defOf(o).type as string);
      if (options.every((t) => t in primitiveKinds || t === "null")) return string;
      throw new Error(`${path}: a union of ${options.join(", ")} has no column type`);
    }
    default:
      if (def.type in primitiveKinds) return { kind: primitiveKinds[def.type] };
      throw new Error(`${path}: zod type "${def.type}" has no column type; map it in analytics/lake-tables.ts`);
  }
}

/** The columns of a zod object schema, in its field order. */
export function columnsOf(schema: z.core.$ZodObject): LakeColumn[] {
  return Object.entries(defOf(schema).shape as Record<string, AnyZod>).map(([key, value]) => ({
    key,
    type: lakeTypeOf(value, key),
  }));
}

/** The Hive type Glue stores. Glue lowercases names; the OpenX JSON SerDe matches keys case-insensitively. */
export function hiveType(type: LakeType): string {
  switch (type.kind) {
    case "struct":
      return `struct<${type.fields.map((f) => `${f.key.toLowerCase()}:${hiveType(f.type)}`).join(",")}>`;
    case "array":
      return `array<${hiveType(type.element)}>`;
    case "map":
      return `map<string,${hiveType(type.value)}>`;
    default:
      return type.kind;
  }
}

/** The DuckDB type. Its JSON reader matches keys exactly, so struct fields keep the JSON keys. */
export function duckDbType(type: LakeType): string {
  switch (type.kind) {
    case "struct":
      return `STRUCT(${type.fields.map((f) => `"${f.key}" ${duckDbType(f.type)}`).join(", ")})`;
    case "array":
      return `${duckDbType(type.element)}[]`;
    case "map":
      return `MAP(VARCHAR, ${duckDbType(type.value)})`;
    case "string":
      return "VARCHAR";
    case "int":
      return "INTEGER";
    case "double":
      return "DOUBLE";
    case "boolean":
      return "BOOLEAN";
  }
}

/**
 * Turns a Firehose S3 prefix (`events/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/`) into
 * the table's prefix and Athena's location template, so the table reads exactly where Firehose
 * writes; anything else in the prefix is refused.
 */
export function partitionLayout(firehosePrefix: string): { prefix: string; template: string } {
  const at = firehosePrefix.indexOf("dt=");
  if (at < 0) throw new Error(`Firehose prefix ${firehosePrefix} has no dt= partition`);
  const template = firehosePrefix
    .slice(at)
    .replace("!{timestamp:yyyy-MM-dd}", "${dt}")
    .replace("!{timestamp:HH}", "${hour}");
  if (template.includes("!{"))
    throw new Error(`Firehose prefix ${firehosePrefix} uses an expression the tables cannot project`);
  return { prefix: firehosePrefix.slice(0, at), template };
}

const struct = (fields: Record<string, LakeType>): LakeType => ({
  kind: "struct",
  fields: Object.entries(fields).map(([key, type]) => ({ key, type })),
});

/** One quarantine object (handlers/clickstream/quarantine-sink.ts QuarantineDocument). */
export const quarantineColumns: LakeColumn[] = [
  { key: "quarantinedAt", type: string },
  {
    key: "entries",
    type: {
      kind: "array",
      element: struct({
        sequenceNumber: string,
        partitionKey: string,
        shardId: string,
        receivedAt: string,
        position: { kind: "int" },
        kind: string,
        reasons: { kind: "array", element: struct({ path: string, code: string, message: string }) },
        data: string,
        dataEncoding: string,
      }),
    },
  },
];

export interface LakeLayout {
  /** The Firehose prefix of events (components/ingestion.ts lakeEventsPrefix). */
  eventsPrefix: string;
  /** The processor's quarantine prefix (components/ingestion.ts quarantinePrefix). */
  quarantinePrefix: string;
}

export function lakeTables(layout: LakeLayout): LakeTable[] {
  const events = partitionLayout(layout.eventsPrefix);
  return [
    {
      name: "events",
      description:
        "Every valid clickstream event, one JSON line each, as the ClickstreamProcessor normalised it; partitioned by the UTC day and hour Firehose received it",
      prefix: events.prefix,
      partitionTemplate: events.template,
      partitions: [
        { name: "dt", projection: "date" },
        { name: "hour", projection: "hour" },
      ],
      columns: columnsOf(normalisedClickstreamEventSchema),
      compression: "gzip",
    },
    {
      name: "quarantine",
      description:
        "Events and records the processor refused, one JSON document per batch with the reasons; partitioned by the UTC day of arrival",
      prefix: layout.quarantinePrefix,
      partitionTemplate: "dt=${dt}/",
      partitions: [{ name: "dt", projection: "date" }],
      columns: quarantineColumns,
      compression: "uncompressed",
    },
  ];
}
