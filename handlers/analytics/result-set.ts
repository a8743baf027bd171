// An Athena ResultSet as JSON rows: the first row of a SELECT's first page repeats the column
// names (Athena's documented behaviour), every value arrives as VarCharValue text (absent for
// NULL), and ColumnInfo's type says which are numbers.
import type { ResultSet } from "@aws-sdk/client-athena";

export type Cell = string | number | boolean | null;
export type ReportRow = Record<string, Cell>;

const numericTypes = new Set(["tinyint", "smallint", "integer", "bigint", "double", "float", "real", "decimal"]);

function cell(text: string | undefined, type: string | undefined): Cell {
  if (text === undefined) return null;
  const base = (type ?? "varchar").toLowerCase().replace(/\(.*$/, "");
  if (numericTypes.has(base)) return Number(text);
  if (base === "boolean") return text === "true";
  return text;
}

export function rowsOf(resultSet: ResultSet | undefined): { columns: string[]; rows: ReportRow[] } {
  const info = resultSet?.ResultSetMetadata?.ColumnInfo ?? [];
  const columns = info.map((c) => c.Name ?? "");
  const [header, ...data] = resultSet?.Rows ?? [];
  const headerIsNames = header?.Data?.every((d, i) => d.VarCharValue === columns[i]);
  const body = header && !headerIsNames ? [header, ...data] : data;
  const rows = body.map((r) =>
    Object.fromEntries(columns.map((c, i) => [c, cell(r.Data?.[i]?.VarCharValue, info[i]?.Type)])),
  );
  return { columns, rows };
}
