// The named queries over a generated lake of a million events: DuckDB's time per query (the
// local engine of `npm run analytics`), and the bytes Athena would scan for each — for gzip
// JSON (what the lake holds: Athena reads every object of the partitions a query touches) and,
// for comparison, for Parquet (only the column chunks of the columns the query names).
import { DuckDBInstance } from "@duckdb/node-api";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lakeEventsPrefix, quarantinePrefix } from "../components/ingestion";
import { lakeTables } from "../analytics/lake-tables";
import { LocalLake } from "../analytics/local-lake";
import { loadQueries, type NamedQuery } from "../analytics/queries";
import { generateLake } from "./analytics-lake";
import { type BenchRow, formatNumber } from "./table";

const eventCount = 1_000_000;
const layout = { eventsPrefix: lakeEventsPrefix, quarantinePrefix };
const mb = (bytes: number) => `${formatNumber(bytes / 1e6, 1)} MB`;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => fs.statSync(f).isFile());
}
const bytesOf = (files: string[]) => files.reduce((sum, f) => sum + fs.statSync(f).size, 0);

/** The lake tables a query reads, and the columns of each it names. */
function referenced(query: NamedQuery): { table: string; columns: string[] }[] {
  const sql = query.sql.replace(/--.*$/gm, "").toLowerCase();
  return lakeTables(layout)
    .filter((t) => new RegExp(`\\b(from|join)\\s+${t.name}\\b`).test(sql))
    .map((t) => ({
      table: t.name,
      columns: t.columns.map((c) => c.key.toLowerCase()).filter((c) => new RegExp(`\\b${c}\\b`).test(sql)),
    }));
}

async function parquetColumnBytes(lakeDir: string, parquetDir: string): Promise<Map<string, number>> {
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  const lake = await LocalLake.open(lakeDir, layout);
  lake.close();
  // Events as Firehose's conversion would write them: Parquet, Snappy, per day and hour.
  const events = lakeTables(layout)[0];
  const columns = events.columns.map((c) => `"${c.key}"`).join(", ");
  const glob = path.join(lakeDir, "events", "*", "*", "*");
  await db.run(
    `COPY (SELECT ${columns}, dt, hour FROM read_json('${glob}', format = 'newline_delimited', hive_partitioning = true, hive_types = {'dt': 'VARCHAR', 'hour': 'VARCHAR'})) ` +
      `TO '${parquetDir}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (dt, hour))`,
  );
  const reader = await db.runAndReadAll(
    `SELECT lower(split_part(path_in_schema, ', ', 1)) AS col, sum(total_compressed_size) AS bytes FROM parquet_metadata('${parquetDir}/*/*/*.parquet') GROUP BY 1`,
  );
  const sizes = new Map(reader.getRowObjects().map((r) => [String(r.col), Number(r.bytes)]));
  db.closeSync();
  instance.closeSync();
  return sizes;
}

export const benchmark = {
  title: "Analytics: named queries over a generated lake of 1,000,000 events (7 days)",
  async run(): Promise<BenchRow[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-lake-"));
    try {
      const lakeDir = path.join(dir, "lake");
      const generated = generateLake(lakeDir, eventCount);
      const eventFiles = filesUnder(path.join(lakeDir, "events"));
      const quarantineBytes = bytesOf(filesUnder(path.join(lakeDir, "quarantine")));
      const jsonBytes = { events: bytesOf(eventFiles), quarantine: quarantineBytes };
      const parquetColumns = await parquetColumnBytes(lakeDir, path.join(dir, "parquet"));
      const parquetTotal = [...parquetColumns.values()].reduce((a, b) => a + b, 0);
      const rows: BenchRow[] = [
        {
          name: "lake: events as gzip JSON lines",
          value: `${formatNumber(generated.events - generated.quarantined)} events in ${eventFiles.length} objects, ${mb(jsonBytes.events)}`,
          reference: `as Parquet (Snappy): ${mb(parquetTotal)} of column chunks; quarantine ${formatNumber(generated.quarantined)} entries, ${mb(quarantineBytes)}`,
          ratio: parquetTotal / jsonBytes.events,
          kind: "stable",
        },
      ];
      const lake = await LocalLake.open(lakeDir, layout);
      try {
        for (const query of loadQueries()) {
          await lake.run(query, generated.firstDay); // warm the file cache
          const started = process.hrtime.bigint();
          const result = await lake.run(query, generated.firstDay);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const reads = referenced(query);
          const json = reads.reduce((sum, r) => sum + jsonBytes[r.table as "events" | "quarantine"], 0);
          // The quarantine stays raw JSON either way.
          const parquet = reads.reduce(
            (sum, r) =>
              sum +
              (r.table === "events"
                ? r.columns.reduce((s, c) => s + (parquetColumns.get(c) ?? 0), 0)
                : jsonBytes.quarantine),
            0,
          );
          rows.push({
            name: `${query.name}: DuckDB time, Athena bytes scanned (JSON)`,
            value: `${formatNumber(ms)} ms, ${result.rows.length} rows, ${mb(json)}`,
            reference: `Parquet ${mb(parquet)} (${reads.map((r) => `${r.table}: ${r.columns.join(", ")}`).join("; ")})`,
            ratio: parquet / json,
            kind: "noisy",
          });
        }
      } finally {
        lake.close();
      }
      return rows;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
