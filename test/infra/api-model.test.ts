// The request models in the deployed OpenAPI document use only what API Gateway's OpenAPI 3.0
// import keeps (components/lib/api-model.ts), so the gateway enforces exactly what the
// document says; what had to be dropped only widens the model (the handler re-validates).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { gatewayModel, isValidModelName, keptKeywords, unkeptConstructs } from "../../components/lib/api-model";
import { eventsBodySchema } from "../../components/ingestion-events-route";
import { createOrderBodySchema } from "../../components/orders";
import { clickstreamEventSchema, clickstreamEventTypes, idPattern } from "../../handlers/shared/clickstream-event";
import { repoRoot } from "../../components/lib/bundle";
import { createOrderRequestSchema } from "../../handlers/shared/order";
import { sharedProgramRun } from "../../testing/program";

describe("request models (API Gateway's OpenAPI 3.0 import)", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: every model in the program's document uses only kept constructs; the import fails on warnings`, async () => {
      const { resources } = await sharedProgramRun(stack);
      const api = resources.find((r) => r.type === "aws:apigateway/restApiPut:RestApiPut")!;
      assert.equal(api.inputs.failOnWarnings, true);
      const schemas: Record<string, Record<string, unknown>> = JSON.parse(api.inputs.body).components.schemas;
      assert.ok(Object.keys(schemas).length >= 2, `models: ${Object.keys(schemas).join(", ")}`);
      for (const [name, model] of Object.entries(schemas)) {
        assert.ok(isValidModelName(name), `model name ${name}`);
        assert.deepEqual(unkeptConstructs(model), [], `model ${name}`);
      }
    });
  }

  it("reduces a draft-4 schema by widening: lists of types, combinators, schema-valued additionalProperties and $schema go", () => {
    const { model, dropped } = gatewayModel({
      $schema: "http://json-schema.org/draft-04/schema#",
      title: "Batch",
      type: "object",
      additionalProperties: false,
      required: ["events"],
      properties: {
        events: {
          type: "array",
          minItems: 1,
          maxItems: 500,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["id"],
            properties: {
              id: { type: "string", minLength: 1, maxLength: 64, pattern: "^[a-z]+$" },
              at: { type: ["string", "integer"], maxLength: 64, minimum: 0 },
              props: {
                type: "object",
                maxProperties: 8,
                additionalProperties: { type: ["string", "null"], maxLength: 9 },
                propertyNames: { maxLength: 4 },
              },
              kind: { enum: ["a", "b"], format: "int32", example: "a" },
            },
            anyOf: [{ required: ["id"] }],
          },
        },
      },
    });
    assert.deepEqual(model, {
      title: "Batch",
      type: "object",
      additionalProperties: false,
      required: ["events"],
      properties: {
        events: {
          type: "array",
          minItems: 1,
          maxItems: 500,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["id"],
            properties: {
              id: { type: "string", minLength: 1, maxLength: 64, pattern: "^[a-z]+$" },
              at: { maxLength: 64, minimum: 0 },
              props: { type: "object", maxProperties: 8 },
              kind: { enum: ["a", "b"] },
            },
          },
        },
      },
    });
    assert.deepEqual(dropped, [
      "# $schema",
      '/properties/events/items/properties/at type ["string","integer"]',
      "/properties/events/items/properties/props additionalProperties (a schema)",
      "/properties/events/items/properties/props propertyNames",
      "/properties/events/items/properties/kind format",
      "/properties/events/items/properties/kind example",
      "/properties/events/items anyOf",
    ]);
    assert.deepEqual(unkeptConstructs(model), []);
  });

  it("keeps no keyword AWS documents as unsupported in models", () => {
    for (const k of [
      "allOf",
      "anyOf",
      "oneOf",
      "not",
      "discriminator",
      "example",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "readOnly",
      "deprecated",
      "format",
      "$schema",
      "$ref",
      "const",
      "propertyNames",
      "patternProperties",
      "dependencies",
    ]) {
      assert.equal(keptKeywords.has(k), false, k);
    }
  });
});

/** A JSON Schema draft-4 validator for exactly the kept keywords (what the gateway enforces). */
function accepts(model: Record<string, any>, value: unknown): boolean {
  const typeOk = (t: string) =>
    t === "integer"
      ? Number.isInteger(value)
      : t === "number"
        ? typeof value === "number"
        : t === "array"
          ? Array.isArray(value)
          : t === "object"
            ? value !== null && typeof value === "object" && !Array.isArray(value)
            : t === "null"
              ? value === null
              : typeof value === t;
  if (model.type !== undefined && !typeOk(model.type)) return false;
  if (model.enum && !model.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) return false;
  if (typeof value === "string") {
    const length = [...value].length;
    if (model.minLength !== undefined && length < model.minLength) return false;
    if (model.maxLength !== undefined && length > model.maxLength) return false;
    if (model.pattern !== undefined && !new RegExp(model.pattern, "u").test(value)) return false;
  }
  if (typeof value === "number") {
    if (model.minimum !== undefined && value < model.minimum) return false;
    if (model.maximum !== undefined && value > model.maximum) return false;
  }
  if (Array.isArray(value)) {
    if (model.minItems !== undefined && value.length < model.minItems) return false;
    if (model.maxItems !== undefined && value.length > model.maxItems) return false;
    if (model.items && !value.every((v) => accepts(model.items, v))) return false;
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (model.maxProperties !== undefined && entries.length > model.maxProperties) return false;
    if ((model.required ?? []).some((k: string) => !(k in value))) return false;
    for (const [k, v] of entries) {
      const sub = model.properties?.[k];
      if (sub ? !accepts(sub, v) : model.additionalProperties === false) return false;
    }
  }
  return true;
}

const catalog: { sku: string }[] = JSON.parse(fs.readFileSync(path.join(repoRoot, "catalog/products.json"), "utf8"));

describe("the reduced models never refuse what the contract accepts", () => {
  // Ids have their own character set (idPattern); mixing in any other text would only be refused by both.
  const id = fc.stringMatching(new RegExp(idPattern));
  const event = fc.record(
    {
      eventId: id,
      eventType: fc.constantFrom(...clickstreamEventTypes),
      sessionId: id,
      userId: id,
      itemId: id,
      timestamp: fc.oneof(
        fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc
          .date({ min: new Date(Date.UTC(2001, 0, 1)), max: new Date(Date.UTC(2030, 0, 1)), noInvalidDate: true })
          .map((d) => d.toISOString()),
      ),
      page: fc.record({ url: fc.webUrl(), referrer: fc.webUrl() }, { requiredKeys: ["url"] }),
      properties: fc.dictionary(
        fc.string({ maxLength: 8 }),
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.boolean(),
          fc.constant(null),
        ),
        { maxKeys: 5 },
      ),
    },
    { requiredKeys: ["eventId", "eventType", "sessionId", "timestamp"] },
  );

  it("POST /events: every batch of contract-valid events passes the gateway's model", () => {
    const model = gatewayModel(eventsBodySchema().schema).model;
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 5 }), (events) => {
        fc.pre(events.every((e) => clickstreamEventSchema.safeParse(e).success));
        assert.ok(accepts(model, { events }), JSON.stringify(events));
      }),
      { numRuns: 300 },
    );
  });

  it("POST /orders: every contract-valid order passes the gateway's model", () => {
    const model = gatewayModel(createOrderBodySchema).model;
    const sku = fc.constantFrom(...catalog.map((p) => p.sku));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ sku, quantity: fc.integer({ min: 1, max: 100 }) }), {
          selector: (l) => l.sku,
          minLength: 1,
          maxLength: 20,
        }),
        (lines) => {
          fc.pre(createOrderRequestSchema.safeParse({ lines }).success);
          assert.ok(accepts(model, { lines }), JSON.stringify(lines));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the validator is the gateway's: it refuses what the kept keywords refuse", () => {
    const model = gatewayModel(eventsBodySchema().schema).model;
    assert.equal(accepts(model, { events: [] }), false);
    assert.equal(
      accepts(model, { events: [{ eventId: "e", eventType: "page_view", sessionId: "s", timestamp: 1e12, extra: 1 }] }),
      false,
    );
    assert.equal(
      accepts(model, { events: [{ eventId: "e", eventType: "page_view", sessionId: "s", timestamp: 1e12 }] }),
      true,
    );
  });
});
