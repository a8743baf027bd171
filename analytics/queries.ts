// The store owner's questions: one Athena SQL file each in this folder. The same files become
// Athena named queries on AWS (components/analytics-workgroup.ts) and run on DuckDB locally
// (analytics/local-lake.ts through analytics/dialect.ts). A file starts with `-- ` comment
// lines saying what it answers (the named query's description); every `?` is the first UTC day
// (YYYY-MM-DD) of the window, bound as a string literal.
import * as fs from "node:fs";
import * as path from "node:path";

export interface NamedQuery {
  /** The file name without .sql, e.g. "funnel". */
  name: string;
  description: string;
  sql: string;
}

export const queriesDir = __dirname;

/** Every query, in file-name order. */
export function loadQueries(dir = queriesDir): NamedQuery[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), "utf8");
      const description = sql
        .split("\n")
        .filter((l) => l.startsWith("-- "))
        .map((l) => l.slice(3).trim())
        .join(" ");
      if (!description) throw new Error(`${file} must start with "-- " lines saying what it answers`);
      return { name: file.slice(0, -4), description, sql };
    });
}

export function findQuery(name: string, dir = queriesDir): NamedQuery {
  const queries = loadQueries(dir);
  const query = queries.find((q) => q.name === name);
  if (!query) throw new Error(`no query "${name}"; the queries are: ${queries.map((q) => q.name).join(", ")}`);
  return query;
}
