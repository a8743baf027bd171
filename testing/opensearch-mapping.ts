// The part of OpenSearch's mapping behaviour the fake server needs: check a document against
// an index mapping the way OpenSearch parses it (strict/true/false dynamic, type coercion,
// date formats, immense keyword terms) and answer with OpenSearch's error types and reasons,
// and merge mappings for index templates and PUT _mapping.

export interface FieldMapping {
  type?: string;
  format?: string;
  ignore_above?: number;
  dynamic?: boolean | "strict" | "true" | "false";
  properties?: Record<string, FieldMapping>;
  fields?: Record<string, FieldMapping>;
}

export interface Mappings {
  dynamic?: boolean | "strict" | "true" | "false";
  properties?: Record<string, FieldMapping>;
}

export interface MappingError {
  type: string;
  reason: string;
  caused_by?: { type: string; reason: string };
}

/** Lucene's limit on one indexed term (bytes). */
const maxTermBytes = 32766;

const integerRanges: Record<string, [number, number]> = {
  long: [-(2 ** 63), 2 ** 63 - 1],
  integer: [-(2 ** 31), 2 ** 31 - 1],
  short: [-(2 ** 15), 2 ** 15 - 1],
  byte: [-128, 127],
};

const isoDate = /^\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

export function isObjectField(field: FieldMapping): boolean {
  return field.type === undefined || field.type === "object" || field.type === "nested";
}

/** Validates (and, with dynamic mapping, extends) `mappings` for one document. */
export function validateDocument(mappings: Mappings, source: unknown, id: string): MappingError | undefined {
  if (source === null || typeof source !== "object" || Array.isArray(source)) {
    return { type: "mapper_parsing_exception", reason: "failed to parse, document is empty or not an object" };
  }
  mappings.properties ??= {};
  return validateObject(
    mappings.properties,
    dynamicOf(mappings.dynamic, "true"),
    source as Record<string, unknown>,
    "",
    id,
  );
}

function dynamicOf(value: FieldMapping["dynamic"], inherited: string): string {
  return value === undefined ? inherited : String(value);
}

function validateObject(
  properties: Record<string, FieldMapping>,
  dynamic: string,
  object: Record<string, unknown>,
  prefix: string,
  id: string,
): MappingError | undefined {
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    let field = properties[key];
    if (!field) {
      if (dynamic === "strict") {
        return {
          type: "strict_dynamic_mapping_exception",
          reason: `mapping set to strict, dynamic introduction of [${key}] within [${prefix || "_doc"}] is not allowed`,
        };
      }
      if (dynamic === "false") continue; // kept in _source, not indexed
      if (value === null) continue;
      field = inferField(Array.isArray(value) ? value.find((v) => v !== null) : value);
      properties[key] = field;
    }
    const error = validateValue(field, dynamic, value, path, id);
    if (error) return error;
  }
  return undefined;
}

function validateValue(
  field: FieldMapping,
  dynamic: string,
  value: unknown,
  path: string,
  id: string,
): MappingError | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    for (const element of value) {
      const error = validateValue(field, dynamic, element, path, id);
      if (error) return error;
    }
    return undefined;
  }
  if (isObjectField(field)) {
    if (typeof value !== "object") {
      return {
        type: "mapper_parsing_exception",
        reason: `object mapping for [${path}] tried to parse field [${path}] as object, but found a concrete value`,
      };
    }
    field.properties ??= {};
    return validateObject(
      field.properties,
      dynamicOf(field.dynamic, dynamic),
      value as Record<string, unknown>,
      path,
      id,
    );
  }
  const failed = (cause: { type: string; reason: string }): MappingError => ({
    type: "mapper_parsing_exception",
    reason: `failed to parse field [${path}] of type [${field.type}] in document with id '${id}'. Preview of field's value: '${preview(value)}'`,
    caused_by: cause,
  });
  if (typeof value === "object") {
    return failed({ type: "illegal_state_exception", reason: `Can't get text on a START_OBJECT at ${path}` });
  }
  switch (field.type) {
    case "keyword":
    case "text": {
      const text = String(value);
      const indexed =
        field.type === "keyword" && (field.ignore_above === undefined || text.length <= field.ignore_above);
      if (indexed && Buffer.byteLength(text) > maxTermBytes) {
        return {
          type: "illegal_argument_exception",
          reason: `Document contains at least one immense term in field="${path}" (whose UTF8 encoding is longer than the max length ${maxTermBytes}), all of which were skipped.`,
        };
      }
      return undefined;
    }
    case "long":
    case "integer":
    case "short":
    case "byte": {
      const number =
        typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (typeof value === "boolean" || Number.isNaN(number)) {
        return failed({ type: "illegal_argument_exception", reason: `For input string: "${String(value)}"` });
      }
      const [min, max] = integerRanges[field.type];
      if (number < min || number > max) {
        return failed({
          type: "illegal_argument_exception",
          reason: `Value [${String(value)}] is out of range for ${article(field.type)} ${field.type}`,
        });
      }
      return undefined;
    }
    case "float":
    case "double": {
      const number =
        typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (typeof value === "boolean" || !Number.isFinite(number)) {
        return failed({ type: "number_format_exception", reason: `For input string: "${String(value)}"` });
      }
      return undefined;
    }
    case "boolean":
      if (value === true || value === false || value === "true" || value === "false") return undefined;
      return failed({
        type: "illegal_argument_exception",
        reason: `Failed to parse value [${String(value)}] as only [true] or [false] are allowed.`,
      });
    case "date": {
      const format = field.format ?? "strict_date_optional_time||epoch_millis";
      if (dateMillis(value, format) === undefined) {
        return failed({
          type: "illegal_argument_exception",
          reason: `failed to parse date field [${String(value)}] with format [${format}]`,
        });
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Epoch millis of a date value under an OpenSearch format list, or undefined if it does not parse. */
export function dateMillis(value: unknown, format = "strict_date_optional_time||epoch_millis"): number | undefined {
  const formats = format.split("||");
  if (
    typeof value === "number" ||
    (typeof value === "string" && /^-?\d+$/.test(value) && formats.includes("epoch_millis"))
  ) {
    return formats.includes("epoch_millis") ? Number(value) : undefined;
  }
  if (typeof value !== "string" || !formats.some((f) => f.includes("date_optional_time"))) return undefined;
  if (!isoDate.test(value)) return undefined;
  // OpenSearch parses dates with java.time, whose ZoneOffset is restricted to -18:00..+18:00.
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value.slice(10));
  if (offset && Number(offset[2]) * 60 + Number(offset[3]) > 18 * 60) return undefined;
  const millis = Date.parse(/T|Z|[+-]\d{2}:?\d{2}$/.test(value.slice(10)) ? value : `${value}T00:00:00Z`);
  return Number.isNaN(millis) ? undefined : millis;
}

function inferField(value: unknown): FieldMapping {
  if (typeof value === "boolean") return { type: "boolean" };
  if (typeof value === "number") return { type: Number.isInteger(value) ? "long" : "float" };
  if (value !== null && typeof value === "object") return { properties: {} };
  if (typeof value === "string" && dateMillis(value, "strict_date_optional_time") !== undefined)
    return { type: "date" };
  return { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } };
}

/** Adds `extra` to `base` (PUT _mapping, templates); a field may not change type. */
export function mergeMappings(base: Mappings, extra: Mappings): MappingError | undefined {
  if (extra.dynamic !== undefined) base.dynamic = extra.dynamic;
  base.properties ??= {};
  return mergeProperties(base.properties, extra.properties ?? {}, "");
}

function mergeProperties(
  base: Record<string, FieldMapping>,
  extra: Record<string, FieldMapping>,
  prefix: string,
): MappingError | undefined {
  for (const [key, field] of Object.entries(extra)) {
    const existing = base[key];
    if (!existing) {
      base[key] = structuredClone(field);
      continue;
    }
    const existingType = isObjectField(existing) ? "object" : existing.type;
    const newType = isObjectField(field) ? "object" : field.type;
    if (existingType !== newType) {
      return {
        type: "illegal_argument_exception",
        reason: `mapper [${prefix}${key}] cannot be changed from type [${existingType}] to [${newType}]`,
      };
    }
    if (field.properties) {
      existing.properties ??= {};
      const error = mergeProperties(existing.properties, field.properties, `${prefix}${key}.`);
      if (error) return error;
    }
  }
  return undefined;
}

/** The mapping of a dotted path, subfields (`name.keyword`) included. */
export function fieldAt(mappings: Mappings, path: string): FieldMapping | undefined {
  let properties = mappings.properties ?? {};
  const parts = path.split(".");
  for (let i = 0; i < parts.length; i++) {
    const field: FieldMapping | undefined = properties[parts[i]];
    if (!field) return undefined;
    if (i === parts.length - 1) return field;
    if (field.fields && i === parts.length - 2 && field.fields[parts[i + 1]]) return field.fields[parts[i + 1]];
    properties = field.properties ?? {};
  }
  return undefined;
}

function preview(value: unknown): string {
  const text = String(value);
  return text.length > 20 ? `${text.slice(0, 20)}...` : text;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}
