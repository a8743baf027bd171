// A query result as a plain-text table: numbers right-aligned, NULL shown as "-".
import type { QueryResult } from "./local-lake";

const show = (v: unknown) => (v === null || v === undefined ? "-" : String(v));

export function formatTable({ columns, rows }: QueryResult): string {
  const cells = rows.map((r) => columns.map((c) => show(r[c])));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === "number"));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const out = [line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? "" : "s"})`);
  return out.join("\n");
}
