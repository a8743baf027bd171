// API Gateway's request validators: required parameters (present and not blank) and the body
// against the method's model for the request's content type, in JSON Schema draft-04 (ajv).
// Error strings follow the shapes API Gateway's validator reports (a bracketed list of
// findings, without the JSON pointer), so clients see locally what they would see on AWS.
import type { ErrorObject, ValidateFunction } from "ajv";
import AjvDraft04 from "ajv-draft-04";
import type { Method } from "./document";
import type { GatewayError } from "./gateway-responses";
import type { IncomingApiRequest } from "./request";

const modelBase = "https://apigateway.local/models/";

/** Model references in the document point into components/schemas; give each model an id. */
function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/"))
      out[key] = modelBase + value.slice("#/components/schemas/".length);
    else if (key === "$schema")
      continue; // every model is draft-04, as API Gateway's are
    else out[key] = rewriteRefs(value);
  }
  return out;
}

const json = (value: unknown) => JSON.stringify(value);

/** One finding in the words of API Gateway's validator. */
function describe(error: ErrorObject, data: unknown): string {
  const p = error.params as Record<string, any>;
  const value = error.instancePath
    ? error.instancePath
        .split("/")
        .slice(1)
        .reduce((v: any, k) => v?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], data)
    : data;
  switch (error.keyword) {
    case "required":
      return `object has missing required properties ([${json(p.missingProperty)}])`;
    case "type": {
      const actual =
        value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
      return `instance type (${actual}) does not match any allowed primitive type (allowed: ${json([p.type].flat())})`;
    }
    case "additionalProperties":
      return `object instance has properties which are not allowed by the schema: [${json(p.additionalProperty)}]`;
    case "enum":
      return `instance value (${json(value)}) not found in enum (possible values: ${json(p.allowedValues)})`;
    case "minItems":
      return `array is too short: must have at least ${p.limit} elements but instance has ${(value as unknown[]).length} elements`;
    case "maxItems":
      return `array is too long: must have at most ${p.limit} elements but instance has ${(value as unknown[]).length} elements`;
    case "minLength":
      return `string ${json(value)} is too short (length: ${String(value).length}, required minimum: ${p.limit})`;
    case "maxLength":
      return `string ${json(value)} is too long (length: ${String(value).length}, maximum allowed: ${p.limit})`;
    case "pattern":
      return `ECMA 262 regex ${json(p.pattern)} does not match input string ${json(value)}`;
    case "minimum":
      return `numeric instance is lower than the required minimum (minimum: ${p.limit}, found: ${value})`;
    case "maximum":
      return `numeric instance is greater than the required maximum (maximum: ${p.limit}, found: ${value})`;
    case "maxProperties":
      return `object has too many properties (found ${Object.keys(value as object).length}, maximum: ${p.limit})`;
    case "anyOf":
      return `instance failed to match at least one required schema among ${(error.schema as unknown[]).length}`;
    default:
      return `${error.instancePath || "instance"} ${error.message ?? "is invalid"}`;
  }
}

export class RequestValidator {
  private readonly ajv = new AjvDraft04({ allErrors: true, strict: false, verbose: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(models: Record<string, Record<string, unknown>>) {
    for (const [name, schema] of Object.entries(models))
      this.ajv.addSchema(rewriteRefs(schema) as object, modelBase + name);
  }

  private model(name: string): ValidateFunction {
    let validate = this.compiled.get(name);
    if (!validate) {
      validate = this.ajv.getSchema(modelBase + name);
      if (!validate) throw new Error(`Model ${name} is not in components.schemas`);
      this.compiled.set(name, validate);
    }
    return validate;
  }

  /** Compiles every model now, so a schema ajv refuses fails the gateway's start, not a request. */
  compileAll(methods: Method[]): void {
    for (const method of methods) for (const name of Object.values(method.bodyModels)) this.model(name);
  }

  /** Required path, query and header parameters must be present and not blank. */
  checkParameters(method: Method, request: IncomingApiRequest): GatewayError | undefined {
    if (!method.validateParameters) return undefined;
    const blank = (v: string | null | undefined) => v === undefined || v === null || v.trim() === "";
    const missing = method.parameters
      .filter((p) => p.required)
      .filter((p) =>
        p.in === "header"
          ? blank(request.header(p.name))
          : p.in === "query"
            ? blank(request.query.get(p.name))
            : blank(request.pathParameters[p.name]),
      )
      .map((p) => p.name);
    if (missing.length === 0) return undefined;
    const message = `Missing required request parameters: [${missing.join(", ")}]`;
    return { type: "BAD_REQUEST_PARAMETERS", message, validationErrorString: message };
  }

  /**
   * The body against the model for its content type (or the `$default` model). Like API
   * Gateway, a content type with no model is not validated. An empty body is checked as `{}`
   * (unverified against AWS; either way the handler validates again).
   */
  checkBody(method: Method, request: IncomingApiRequest): GatewayError | undefined {
    if (!method.validateBody) return undefined;
    const name = method.bodyModels[request.contentType()] ?? method.bodyModels.$default;
    if (!name) return undefined;
    const text = request.body.toString("utf8");
    let data: unknown;
    try {
      data = text.trim() === "" ? {} : JSON.parse(text);
    } catch (error) {
      return {
        type: "BAD_REQUEST_BODY",
        message: "Invalid request body",
        validationErrorString: `[Invalid JSON: ${(error as Error).message}]`,
      };
    }
    const validate = this.model(name);
    if (validate(data)) return undefined;
    // A failed anyOf is one finding, as API Gateway reports it, not one per branch.
    const errors = (validate.errors ?? []).filter((e) => !/\/(anyOf|oneOf)\/\d+\//.test(e.schemaPath));
    const findings = [...new Set(errors.map((e) => describe(e, data)))];
    return {
      type: "BAD_REQUEST_BODY",
      message: "Invalid request body",
      validationErrorString: `[${findings.join(", ")}]`,
    };
  }
}
