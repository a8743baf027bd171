// The lake on this machine (local mode's Firehose stand-in writes the same layout as on AWS)
// as DuckDB views named like the Glue tables, with the same columns, so the named queries run
// unchanged but for analytics/dialect.ts. The lake is either a folder of objects named by
// their keys, or a bucket folder of s3rver (local mode's S3), which stores the object of key
// K as the file `K._S3rver_object` beside its metadata.
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { toDuckDb, duckDbMacros } from "./dialect";
import { duckDbType, lakeTables, type LakeLayout, type LakeTable } from "./lake-tables";
import type { NamedQuery } from "./queries";

export type Row = Record<string, string | number | boolean | null>;

export interface QueryResult {
  columns: string[];
  rows: Row[];
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** How s3rver names the file holding an object's bytes. */
export const s3rverObjectSuffix = "._S3rver_object";
/** Every file s3rver keeps for an object (its bytes and its metadata) has this in its name. */
const s3rverFileMarker = "._S3rver_";

/**
 * The glob of a table's objects under `lakeDir`: each partition folder, then every object below
 * it at any depth, as Athena reads every object under a partition's location.
 */
export function tableGlob(lakeDir: string, table: LakeTable, store: "files" | "s3rver"): string {
  const objects = store === "s3rver" ? path.join("**", `*${s3rverObjectSuffix}`) : "**";
  return path.join(lakeDir, table.prefix, table.partitionTemplate.replace(/\$\{\w+\}/g, "*"), objects);
}

/**
 * Whether s3rver has finished writing the object in `file`. s3rver streams an object's bytes
 * to `K._S3rver_object` and then writes its MD5 beside it without waiting for the bytes to
 * reach the disk; so an object counts once its `.md5` file exists and matches. Reading a
 * half-written object would fail the whole query ("Input is not a GZIP stream").
 */
export function isCompleteS3rverObject(file: string): boolean {
  try {
    const md5 = fs.readFileSync(`${file}.md5`, "utf8").trim();
    return createHash("md5").update(fs.readFileSync(file)).digest("hex") === md5;
  } catch {
    return false;
  }
}

function tableView(table: LakeTable, objects: string[]): string {
  if (objects.length === 0) {
    // read_json refuses an empty glob; an empty lake still answers every query (with no rows).
    const columns = [
      ...table.columns.map((c) => `CAST(NULL AS ${duckDbType(c.type)}) AS "${c.key}"`),
      ...table.partitions.map((p) => `CAST(NULL AS VARCHAR) AS ${p.name}`),
    ];
    return `CREATE OR REPLACE VIEW ${table.name} AS SELECT ${columns.join(", ")} WHERE false`;
  }
  const columns = table.columns.map((c) => `"${c.key}": ${quote(duckDbType(c.type))}`).join(", ");
  const files = `[${objects.map(quote).join(", ")}]`;
  const hiveTypes = table.partitions.map((p) => `${quote(p.name)}: 'VARCHAR'`).join(", ");
  // Partition values stay strings, as in Glue.
  return (
    `CREATE OR REPLACE VIEW ${table.name} AS SELECT * FROM read_json(${files}, format = 'newline_delimited', ` +
    `compression = ${quote(table.compression)}, hive_partitioning = true, hive_types = {${hiveTypes}}, columns = {${columns}})`
  );
}

function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  return String(value);
}

export class LocalLake {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens an in-memory DuckDB with a view per lake table over `lakeDir`. */
  static async open(lakeDir: string, layout: LakeLayout): Promise<LocalLake> {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    for (const macro of duckDbMacros) await connection.run(macro);
    const list = async (glob: string) =>
      (await connection.runAndReadAll(`SELECT file FROM glob(${quote(glob)}) ORDER BY file`))
        .getRowObjects()
        .map((r) => String(r.file));
    // Any s3rver file says the folder is s3rver's. Each view reads the objects there when the lake
    // opened, listed once: s3rver keeps files beside each object that are not objects, and local
    // mode may be writing the lake while it is read.
    const store = (await list(path.join(lakeDir, "**", `*${s3rverFileMarker}*`))).length > 0 ? "s3rver" : "files";
    for (const table of lakeTables(layout)) {
      const found = await list(tableGlob(lakeDir, table, store));
      const objects =
        store === "s3rver" ? found.filter(isCompleteS3rverObject) : found.filter((f) => !f.includes(s3rverFileMarker));
      await connection.run(tableView(table, objects));
    }
    return new LocalLake(instance, connection);
  }

  /** Runs a named query with every `?` bound to `sinceDay` (YYYY-MM-DD). */
  async run(query: NamedQuery, sinceDay: string): Promise<QueryResult> {
    return this.runSql(query.sql, (count) => Array.from({ length: count }, () => sinceDay));
  }

  /** Runs Athena SQL with its `?` bound in order to `parameters` (strings, as Athena's execution parameters). */
  async runSql(athenaSql: string, parameters: string[] | ((count: number) => string[])): Promise<QueryResult> {
    const statement = await this.connection.prepare(toDuckDb(athenaSql));
    const values = typeof parameters === "function" ? parameters(statement.parameterCount) : parameters;
    if (values.length !== statement.parameterCount)
      throw new Error(`the query has ${statement.parameterCount} parameters, ${values.length} given`);
    values.forEach((v, i) => statement.bindVarchar(i + 1, v));
    const reader = await statement.runAndReadAll();
    const columns = reader.columnNames();
    const rows = reader.getRowObjects().map((r) => Object.fromEntries(columns.map((c) => [c, plain(r[c])])));
    return { columns, rows };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
