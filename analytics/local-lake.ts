// The lake on this machine (local mode's Firehose stand-in writes the same layout as on AWS)
// as DuckDB views named like the Glue tables, with the same columns, so the named queries run
// unchanged but for analytics/dialect.ts.
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
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

/**
 * The glob of a table's objects under `lakeDir`: each partition folder, then every file below
 * it at any depth, as Athena reads every object under a partition's location.
 */
export function tableGlob(lakeDir: string, table: LakeTable): string {
  return path.join(lakeDir, table.prefix, table.partitionTemplate.replace(/\$\{\w+\}/g, "*"), "**");
}

function tableView(table: LakeTable, glob: string, hasFiles: boolean): string {
  if (!hasFiles) {
    // read_json refuses an empty glob; an empty lake still answers every query (with no rows).
    const columns = [...table.columns.map((c) => `CAST(NULL AS ${duckDbType(c.type)}) AS "${c.key}"`), ...table.partitions.map((p) => `CAST(NULL AS VARCHAR) AS ${p.name}`)];
    return `CREATE OR REPLACE VIEW ${table.name} AS SELECT ${columns.join(", ")} WHERE false`;
  }
  const columns = table.columns.map((c) => `"${c.key}": ${quote(duckDbType(c.type))}`).join(", ");
  const hiveTypes = table.partitions.map((p) => `${quote(p.name)}: 'VARCHAR'`).join(", ");
  // Partition values stay strings, as in Glue; compression is told by the file name (.gz).
  return `CREATE OR REPLACE VIEW ${table.name} AS SELECT * FROM read_json(${quote(glob)}, format = 'newline_delimited', `
    + `compression = 'auto_detect', hive_partitioning = true, hive_types = {${hiveTypes}}, columns = {${columns}})`;
}

function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  return String(value);
}

export class LocalLake {
  private constructor(private readonly instance: DuckDBInstance, private readonly connection: DuckDBConnection) {}

  /** Opens an in-memory DuckDB with a view per lake table over `lakeDir`. */
  static async open(lakeDir: string, layout: LakeLayout): Promise<LocalLake> {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    for (const macro of duckDbMacros) await connection.run(macro);
    for (const table of lakeTables(layout)) {
      const glob = tableGlob(lakeDir, table);
      const found = await connection.runAndReadAll(`SELECT count(*) AS n FROM glob(${quote(glob)})`);
      const n = Number(found.getRowObjects()[0].n);
      await connection.run(tableView(table, glob, n > 0));
    }
    return new LocalLake(instance, connection);
  }

  /** Runs a named query with every `?` bound to `sinceDay` (YYYY-MM-DD). */
  async run(query: NamedQuery, sinceDay: string): Promise<QueryResult> {
    const statement = await this.connection.prepare(toDuckDb(query.sql));
    for (let i = 1; i <= statement.parameterCount; i++) statement.bindVarchar(i, sinceDay);
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
