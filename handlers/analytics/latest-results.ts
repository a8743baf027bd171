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
  | {
      state: "running";
      /** When Athena took the running execution. */
      submittedAt: Date;
    };

/** How many pages (50 executions each, newest first) of the workgroup's history are searched. */
export const historyPages = 2;

const sqlCache = new Map<string, Promise<string>>();

/** Per query and window, the execution this container knows to be running (forgotten once it is not). */
const runningExecutions = new Map<string, string>();

const isRunning = (e: QueryExecution | undefined) => e?.Status?.State === "QUEUED" || e?.Status?.State === "RUNNING";

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

/** Whether an execution completed within the maximum age (one without a completion time did not). */
function isFresh(o: LatestResultsOptions, execution: QueryExecution | undefined): boolean {
  const completedAt = execution?.Status?.CompletionDateTime;
  return completedAt !== undefined && o.now.getTime() - completedAt.getTime() <= o.maxAgeMs;
}

/** A SUCCEEDED execution's answer; refreshing when it is older than the maximum age. */
async function readyFrom(o: LatestResultsOptions, succeeded: QueryExecution): Promise<LatestResults> {
  const results = await o.athena.send(
    new GetQueryResultsCommand({ QueryExecutionId: succeeded.QueryExecutionId, MaxResults: 1000 }),
  );
  return {
    state: "ready",
    computedAt: (succeeded.Status?.CompletionDateTime ?? o.now).toISOString(),
    refreshing: !isFresh(o, succeeded),
    ...rowsOf(results.ResultSet),
  };
}

/** The remembered running execution, read by its id: still running, its answer, or undefined (look in the history). */
async function knownExecution(o: LatestResultsOptions, key: string): Promise<LatestResults | undefined> {
  const id = runningExecutions.get(key);
  if (!id) return undefined;
  const batch = await o.athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: [id] }));
  const execution = batch.QueryExecutions?.find((e) => e.QueryExecutionId === id);
  if (isRunning(execution)) return { state: "running", submittedAt: execution?.Status?.SubmissionDateTime ?? o.now };
  runningExecutions.delete(key);
  return execution?.Status?.State === "SUCCEEDED" ? readyFrom(o, execution) : undefined;
}

export async function latestResults(o: LatestResultsOptions): Promise<LatestResults> {
  const key = `${o.namedQueryId}\n${o.sinceDay}`;
  const known = await knownExecution(o, key);
  if (known) return known;
  const sql = await namedQuerySql(o.athena, o.namedQueryId);
  const parameters = Array.from(sql.matchAll(/\?/g), () => o.sinceDay);
  const executions = await executionsOf(o, sql, parameters);
  const succeeded = executions.find((e) => e.Status?.State === "SUCCEEDED");
  let running = executions.find(isRunning);
  if (!isFresh(o, succeeded) && !running) {
    // The token makes concurrent refreshes of one query and window within one max-age period a single execution.
    const period = Math.floor(o.now.getTime() / o.maxAgeMs);
    const token = createHash("sha256").update(`${o.namedQueryId}\n${o.sinceDay}\n${period}`).digest("hex").slice(0, 64);
    const started = await o.athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: o.workgroup,
        ExecutionParameters: parameters.length ? parameters : undefined,
        ClientRequestToken: token,
      }),
    );
    // A token seen before answers its execution: with no answer to show, one that failed this
    // period is an error, not a report "being prepared" that the page would ask for again and again.
    const earlier = executions.find((e) => e.QueryExecutionId === started.QueryExecutionId);
    const state = earlier?.Status?.State;
    if (!succeeded && (state === "FAILED" || state === "CANCELLED"))
      throw new Error(
        `the query's execution ${earlier?.QueryExecutionId} ${state}: ${earlier?.Status?.StateChangeReason}`,
      );
    running = earlier ?? { QueryExecutionId: started.QueryExecutionId, Status: { SubmissionDateTime: o.now } };
  }
  if (succeeded) return readyFrom(o, succeeded);
  if (running?.QueryExecutionId) runningExecutions.set(key, running.QueryExecutionId);
  return { state: "running", submittedAt: running?.Status?.SubmissionDateTime ?? o.now };
}
