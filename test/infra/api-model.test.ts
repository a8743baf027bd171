// The request models in the deployed OpenAPI document use only what API Gateway's OpenAPI 3.0
// import keeps (components/lib/api-model.ts), so the gateway enforces exactly what the
// document says; what had to be dropped only widens the model (the handler re-validates).
import { strict as assert } from "node:assert";
import { gatewayModel, isValidModelName, keptKeywords, unkeptConstructs } from "../../components/lib/api-model";
import { runProgram } from "./program";

describe("request models (API Gateway's OpenAPI 3.0 import)", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: every model in the program's document uses only kept constructs; the import fails on warnings`, async () => {
      const { resources } = await runProgram(stack);
      const api = resources.find((r) => r.type === "aws:apigateway/restApi:RestApi")!;
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
          type: "array", minItems: 1, maxItems: 500,
          items: {
            type: "object", additionalProperties: false, required: ["id"],
            properties: {
              id: { type: "string", minLength: 1, maxLength: 64, pattern: "^[a-z]+$" },
              at: { type: ["string", "integer"], maxLength: 64, minimum: 0 },
              props: { type: "object", maxProperties: 8, additionalProperties: { type: ["string", "null"], maxLength: 9 }, propertyNames: { maxLength: 4 } },
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
          type: "array", minItems: 1, maxItems: 500,
          items: {
            type: "object", additionalProperties: false, required: ["id"],
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
      "/properties/events/items/properties/at type [\"string\",\"integer\"]",
      "/properties/events/items/properties/props additionalProperties (a schema)",
      "/properties/events/items/properties/props propertyNames",
      "/properties/events/items/properties/kind format",
      "/properties/events/items/properties/kind example",
      "/properties/events/items anyOf",
    ]);
    assert.deepEqual(unkeptConstructs(model), []);
  });

  it("keeps no keyword AWS documents as unsupported in models", () => {
    for (const k of ["allOf", "anyOf", "oneOf", "not", "discriminator", "example", "exclusiveMinimum", "exclusiveMaximum", "readOnly", "deprecated", "format", "$schema", "$ref", "const", "propertyNames", "patternProperties", "dependencies"]) {
      assert.equal(keptKeywords.has(k), false, k);
    }
  });
});
