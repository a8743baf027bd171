// The latest answer of a named query: the newest SUCCEEDED execution in the workgroup of exactly
// that query's SQL over exactly this window, read with GetQueryResults. When it is older than
// the maximum age (or there is none) one new execution is started, unless one is already
// running: admins see the last answer at once (marked as refreshing) instead of waiting for
// Athena, and the workgroup runs at most one refresh per query and window at a time.
import {
  BatchGetQueryExecutionCommand,
  GetNamedQueryCommand,
  GetQueryResultsCommand,
  ListQueryExecutionsCommand,
  StartQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
} from "@aws-sdk/client-athena";
import { createHash } from "node:crypto";
import { rowsOf, type ReportRow } from "./result-set";

export interface LatestResultsOptions {
  athena: Pick<AthenaClient, "send">;
  workgroup: string;
  /** The named query's id. */
  namedQueryId: string;
  /** The window's first day (YYYY-MM-DD), bound to every `?`. */
  sinceDay: string;
  maxAgeMs: number;
  now: Date;
}

export type LatestResults =
  | { state: "ready"; computedAt: string; refreshing: boolean; columns: string[]; rows: ReportRow[] }
  | { state: "running" };

/** How many pages (50 executions each, newest first) of the workgroup's history are searched. */
export const historyPages = 2;

const sqlCache = new Map<string, Promise<string>>();

/** The named query's SQL, read once per container. */
function namedQuerySql(athena: LatestResultsOptions["athena"], id: string): Promise<string> {
  let sql = sqlCache.get(id);
  if (!sql) {
    sql = athena.send(new GetNamedQueryCommand({ NamedQueryId: id })).then((r) => {
      if (!r.NamedQuery?.QueryString) throw new Error(`named query ${id} has no query string`);
      return r.NamedQuery.QueryString;
    });
    sql.catch(() => sqlCache.delete(id));
    sqlCache.set(id, sql);
  }
  return sql;
}

async function executionsOf(o: LatestResultsOptions, sql: string, parameters: string[]): Promise<QueryExecution[]> {
  const found: QueryExecution[] = [];
  let token: string | undefined;
  for (let page = 0; page < historyPages; page++) {
    const list = await o.athena.send(
      new ListQueryExecutionsCommand({ WorkGroup: o.workgroup, MaxResults: 50, NextToken: token }),
    );
    const ids = list.QueryExecutionIds ?? [];
    if (ids.length > 0) {
      const batch = await o.athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ids }));
      found.push(
        ...(batch.QueryExecutions ?? []).filter(
          (e) => e.Query === sql && JSON.stringify(e.ExecutionParameters ?? []) === JSON.stringify(parameters),
        ),
      );
    }
    token = list.NextToken;
    if (!token) break;
  }
  const time = (e: QueryExecution) =>
    e.Status?.CompletionDateTime?.getTime() ?? e.Status?.SubmissionDateTime?.getTime() ?? 0;
  return found.sort((a, b) => time(b) - time(a));
}

export async function latestResults(o: LatestResultsOptions): Promise<LatestResults> {
  const sql = await namedQuerySql(o.athena, o.namedQueryId);
  const parameters = Array.from(sql.matchAll(/\?/g), () => o.sinceDay);
  const executions = await executionsOf(o, sql, parameters);
  const succeeded = executions.find((e) => e.Status?.State === "SUCCEEDED");
  const running = executions.some((e) => e.Status?.State === "QUEUED" || e.Status?.State === "RUNNING");
  const completedAt = succeeded?.Status?.CompletionDateTime;
  const fresh = completedAt && o.now.getTime() - completedAt.getTime() <= o.maxAgeMs;
  if (!fresh && !running) {
    // The token makes concurrent refreshes of one query and window within one max-age period a single execution.
    const period = Math.floor(o.now.getTime() / o.maxAgeMs);
    const token = createHash("sha256").update(`${o.namedQueryId}\n${o.sinceDay}\n${period}`).digest("hex").slice(0, 64);
    await o.athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: o.workgroup,
        ExecutionParameters: parameters.length ? parameters : undefined,
        ClientRequestToken: token,
      }),
    );
  }
  if (!succeeded) return { state: "running" };
  const results = await o.athena.send(
    new GetQueryResultsCommand({ QueryExecutionId: succeeded.QueryExecutionId, MaxResults: 1000 }),
  );
  return {
    state: "ready",
    computedAt: (completedAt ?? o.now).toISOString(),
    refreshing: !fresh,
    ...rowsOf(results.ResultSet),
  };
}
