// The lake tables' columns come from what the processor really writes: a fully populated lake
// line and a quarantine document have exactly the columns' keys, and a contract field of a
// kind the tables cannot type stops the deployment.
import { strict as assert } from "node:assert";
import * as z from "zod";
import {
  columnsOf,
  duckDbType,
  hiveType,
  lakeTables,
  type lakeTypeOf,
  partitionLayout,
  quarantineColumns,
} from "../../analytics/lake-tables";
import { lakeEventsPrefix, quarantinePrefix } from "../../components/ingestion";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeLake } from "../../testing/lake-writer";
import { normaliseClickstreamEvent, normalisedClickstreamEventSchema } from "../../handlers/shared/clickstream-event";

const keysOf = (type: ReturnType<typeof lakeTypeOf>): string[] =>
  type.kind === "struct" ? type.fields.map((f) => f.key) : [];

describe("analytics: the lake tables", () => {
  const [events, quarantine] = lakeTables({ eventsPrefix: lakeEventsPrefix, quarantinePrefix });

  it("events: a lake line with every optional field set has exactly the table's columns, nested fields included", () => {
    const line = normaliseClickstreamEvent(
      {
        eventId: "e1",
        eventType: "add_to_cart",
        sessionId: "s1",
        userId: "u1",
        itemId: "MUG",
        timestamp: "2026-11-30T10:00:00Z",
        page: { url: "https://shop.example.com/p/MUG", referrer: "https://shop.example.com/" },
        properties: { quantity: 2 },
      },
      new Date("2026-11-30T10:00:01Z"),
    );
    assert.deepEqual(Object.keys(line).sort(), events.columns.map((c) => c.key).sort());
    assert.deepEqual(Object.keys(line.page!), keysOf(events.columns.find((c) => c.key === "page")!.type));
  });

  it("quarantine: a document the processor quarantines has exactly the table's columns", async () => {
    const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-quarantine-"));
    // The second event of an array record is refused: the entry carries its position too.
    const at = new Date("2026-11-30T10:00:01Z");
    const valid = { eventId: "e1", eventType: "page_view", sessionId: "s1", timestamp: "2026-11-30T10:00:00Z" };
    await writeLake(lakeDir, [{ at, record: [valid, { ...valid, eventId: "e2", eventType: "bogus" }] }]);
    const dir = path.join(lakeDir, quarantinePrefix);
    const [file] = fs
      .readdirSync(dir, { recursive: true })
      .map((f) => path.join(dir, String(f)))
      .filter((f) => fs.statSync(f).isFile());
    const document = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.rmSync(lakeDir, { recursive: true, force: true });
    assert.deepEqual(
      Object.keys(document),
      quarantineColumns.map((c) => c.key),
    );
    const entries = quarantineColumns[1].type;
    assert.ok(entries.kind === "array");
    assert.deepEqual(Object.keys(document.entries[0]), keysOf(entries.element));
    const reasons =
      entries.element.kind === "struct" ? entries.element.fields.find((f) => f.key === "reasons")!.type : undefined;
    assert.ok(reasons?.kind === "array");
    assert.deepEqual(Object.keys(document.entries[0].reasons[0]), keysOf(reasons.element));
  });

  it("types zod schemas for Glue (lower-case names) and DuckDB (JSON keys)", () => {
    const schema = z.strictObject({
      countOf: z.number(),
      ok: z.boolean().optional(),
      tags: z.array(z.string()),
      nested: z.object({ innerKey: z.enum(["a"]) }),
    });
    assert.deepEqual(
      columnsOf(schema).map((c) => [c.key, hiveType(c.type), duckDbType(c.type)]),
      [
        ["countOf", "double", "DOUBLE"],
        ["ok", "boolean", "BOOLEAN"],
        ["tags", "array<string>", "VARCHAR[]"],
        ["nested", "struct<innerkey:string>", 'STRUCT("innerKey" VARCHAR)'],
      ],
    );
    assert.equal(
      hiveType(columnsOf(normalisedClickstreamEventSchema).find((c) => c.key === "properties")!.type),
      "map<string,string>",
    );
  });

  it("refuses a contract field it cannot type, naming it", () => {
    assert.throws(() => columnsOf(z.strictObject({ when: z.date() })), /when: zod type "date" has no column type/);
    assert.throws(
      () => columnsOf(z.strictObject({ mixed: z.union([z.string(), z.object({ a: z.string() })]) })),
      /mixed: a union of string, object/,
    );
  });

  it("reads the partitions from the Firehose prefix, and refuses one it cannot project", () => {
    assert.deepEqual(partitionLayout(lakeEventsPrefix), { prefix: "events/", template: "dt=${dt}/hour=${hour}/" });
    assert.equal(events.prefix, "events/");
    assert.equal(quarantine.prefix, quarantinePrefix);
    assert.throws(
      () => partitionLayout("events/dt=!{timestamp:yyyy-MM-dd}/!{firehose:random-string}/"),
      /cannot project/,
    );
    assert.throws(() => partitionLayout("events/!{timestamp:yyyy}/"), /no dt= partition/);
  });
});
