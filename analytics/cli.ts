// `npm run analytics -- <query> [--since 7d] [--lake dir] [--chart [file.svg]]`: runs one of
// the named queries (analytics/*.sql) with DuckDB over the local lake and prints a table;
// --chart also writes the funnel and the daily conversion as an SVG.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { lakeEventsPrefix, quarantinePrefix } from "../components/ingestion";
import { chartSvg } from "./chart";
import { formatTable } from "./format-table";
import { LocalLake } from "./local-lake";
import { findQuery, loadQueries } from "./queries";
import { sinceDay } from "./window";

/** Where local mode's Firehose stand-in and quarantine write (override with --lake or ANALYTICS_LAKE_DIR). */
export const defaultLakeDir = path.join(".local", "lake");
export const defaultChartFile = path.join(".local", "analytics.svg");

const usage = () =>
  [
    "usage: npm run analytics -- <query> [--since 7d|YYYY-MM-DD|all] [--lake <dir>] [--chart [file.svg]]",
    `queries: ${loadQueries()
      .map((q) => q.name)
      .join(", ")}`,
  ].join("\n");

export interface CliOptions {
  query?: string;
  since: string;
  lakeDir: string;
  /** Where to write the SVG; undefined: no chart. */
  chartFile?: string;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  // --chart takes an optional file: a following argument ending in .svg is its file.
  const args = [...argv];
  const chartAt = args.indexOf("--chart");
  let chartFile: string | undefined;
  if (chartAt >= 0) {
    const next = args[chartAt + 1];
    chartFile = next?.endsWith(".svg") ? next : defaultChartFile;
    args.splice(chartAt, next?.endsWith(".svg") ? 2 : 1);
  }
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { since: { type: "string", default: "7d" }, lake: { type: "string" } },
  });
  if (positionals.length > 1) throw new Error(`one query at a time, got ${positionals.join(", ")}`);
  return {
    query: positionals[0],
    since: values.since!,
    lakeDir: values.lake ?? env.ANALYTICS_LAKE_DIR ?? defaultLakeDir,
    chartFile,
  };
}

export async function runCli(options: CliOptions, print: (text: string) => void, today = new Date()): Promise<void> {
  if (!options.query && !options.chartFile) throw new Error(usage());
  const first = sinceDay(options.since, today);
  const lake = await LocalLake.open(options.lakeDir, { eventsPrefix: lakeEventsPrefix, quarantinePrefix });
  try {
    if (options.query) {
      const query = findQuery(options.query);
      print(`${query.name}: ${query.description}`);
      print(`lake ${options.lakeDir}, from ${first}\n`);
      print(formatTable(await lake.run(query, first)));
    }
    if (options.chartFile) {
      const funnel = (await lake.run(findQuery("funnel"), first)).rows;
      const conversion = (await lake.run(findQuery("conversion-by-day"), first)).rows;
      fs.mkdirSync(path.dirname(path.resolve(options.chartFile)), { recursive: true });
      fs.writeFileSync(
        options.chartFile,
        chartSvg(funnel, conversion, `Lake ${options.lakeDir}, from ${first} (UTC days of arrival)`),
      );
      print(`\nchart written to ${options.chartFile}`);
    }
  } finally {
    lake.close();
  }
}

if (require.main === module) {
  runCli(parseCli(process.argv.slice(2)), (t) => console.log(t)).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
