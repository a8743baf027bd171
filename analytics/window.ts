// `--since`: the first UTC day of the window a query looks at, as the `?` of every query.

/** "7d" = the last 7 UTC days including today; "2026-11-01" = from that day; "all" = everything. */
export function sinceDay(since: string, today: Date = new Date()): string {
  if (since === "all") return "0000-01-01";
  if (/^\d{4}-\d{2}-\d{2}$/.test(since) && !Number.isNaN(Date.parse(`${since}T00:00:00Z`))) return since;
  const days = /^(\d{1,4})d$/.exec(since);
  if (!days || Number(days[1]) < 1)
    throw new Error(`--since ${JSON.stringify(since)}: expected a number of days (7d), a day (2026-11-01) or all`);
  const first = new Date(
    Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - (Number(days[1]) - 1) * 86_400_000,
  );
  return first.toISOString().slice(0, 10);
}
