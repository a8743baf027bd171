// A stand-in for Athena, speaking its API (JSON 1.1, `AmazonAthena.<Action>`) on 127.0.0.1 for
// what the AnalyticsReports function calls: GetNamedQuery, StartQueryExecution,
// ListQueryExecutions, BatchGetQueryExecution, GetQueryResults. The named queries are the
// program's (read from the rendered stack); a query runs on DuckDB over the local lake
// (analytics/local-lake.ts, the same views and dialect bridge as `npm run analytics`), and its
// history lives in memory. As in Athena: the start answers at once and the execution is RUNNING
// (stamped with its SubmissionDateTime) until it ends, so callers poll as they must on AWS;
// executions are listed newest first, 50 at most per page; a ClientRequestToken seen before
// answers the same execution; the first row of a SELECT's results repeats the column names;
// every value is text (VarCharValue).
import { randomUUID } from "node:crypto";
import { LocalLake, type QueryResult } from "../analytics/local-lake";
import type { LakeLayout } from "../analytics/lake-tables";
import { type AwsJsonReply, type AwsJsonServer, startAwsJsonServer } from "./aws-json-server";

export interface LocalNamedQuery {
  id: string;
  name: string;
  database: string;
  workgroup: string;
  sql: string;
}

interface Execution {
  id: string;
  sql: string;
  parameters?: string[];
  workgroup: string;
  token?: string;
  state: "RUNNING" | "SUCCEEDED" | "FAILED";
  reason?: string;
  submittedAt: Date;
  completedAt?: Date;
  result?: QueryResult;
}

type Reply = AwsJsonReply;

const invalid = (message: string): Reply => ({
  status: 400,
  body: { __type: "InvalidRequestException", Message: message },
});
const seconds = (d: Date) => d.getTime() / 1000;

/** Athena's type name for a column, from its values (DuckDB's own types are not kept by LocalLake). */
function athenaType(values: unknown[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === "number"))
    return present.every((v) => Number.isInteger(v)) ? "bigint" : "double";
  if (present.length > 0 && present.every((v) => typeof v === "boolean")) return "boolean";
  return "varchar";
}

export class LocalAthena {
  private server?: AwsJsonServer;
  endpoint = "";
  /** Newest first. */
  private readonly executions: Execution[] = [];
  /** The executions still running (stop waits for them). */
  private readonly runs = new Set<Promise<void>>();

  constructor(
    private readonly namedQueries: LocalNamedQuery[],
    private readonly lakeDir: string,
    private readonly layout: LakeLayout,
    /** The clock executions are stamped with (tests move it). */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async start(): Promise<this> {
    this.server = await startAwsJsonServer({
      targetPrefix: "AmazonAthena.",
      handle: (action, input) => this.handle(action, input),
      serverError: (err) => ({ __type: "InternalServerException", Message: String(err) }),
    });
    this.endpoint = this.server.endpoint;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    await this.settled();
  }

  /** Resolves once every execution started so far has ended. */
  async settled(): Promise<void> {
    while (this.runs.size > 0) await Promise.all(this.runs);
  }

  private describe(e: Execution): Record<string, unknown> {
    return {
      QueryExecutionId: e.id,
      Query: e.sql,
      StatementType: "DML",
      WorkGroup: e.workgroup,
      ...(e.parameters ? { ExecutionParameters: e.parameters } : {}),
      Status: {
        State: e.state,
        SubmissionDateTime: seconds(e.submittedAt),
        ...(e.completedAt ? { CompletionDateTime: seconds(e.completedAt) } : {}),
        ...(e.reason ? { StateChangeReason: e.reason } : {}),
      },
    };
  }

  private async handle(action: string, body: any): Promise<Reply> {
    switch (action) {
      case "GetNamedQuery": {
        const q = this.namedQueries.find((n) => n.id === body.NamedQueryId);
        if (!q) return invalid(`NamedQuery ${body.NamedQueryId} was not found`);
        return {
          status: 200,
          body: {
            NamedQuery: {
              NamedQueryId: q.id,
              Name: q.name,
              Database: q.database,
              QueryString: q.sql,
              WorkGroup: q.workgroup,
            },
          },
        };
      }
      case "StartQueryExecution":
        return this.startExecution(body);
      case "ListQueryExecutions": {
        const mine = this.executions.filter((e) => e.workgroup === (body.WorkGroup ?? "primary"));
        const from = body.NextToken ? Number(body.NextToken) : 0;
        const size = Math.min(50, body.MaxResults ?? 50);
        const page = mine.slice(from, from + size).map((e) => e.id);
        return {
          status: 200,
          body: { QueryExecutionIds: page, ...(from + size < mine.length ? { NextToken: String(from + size) } : {}) },
        };
      }
      case "BatchGetQueryExecution": {
        const ids: string[] = body.QueryExecutionIds ?? [];
        if (ids.length < 1 || ids.length > 50) return invalid("QueryExecutionIds must hold 1 to 50 ids");
        const found = ids.map((id) => this.executions.find((e) => e.id === id));
        return {
          status: 200,
          body: {
            QueryExecutions: found.filter((e): e is Execution => !!e).map((e) => this.describe(e)),
            UnprocessedQueryExecutionIds: ids
              .filter((_, i) => !found[i])
              .map((id) => ({ QueryExecutionId: id, ErrorCode: "INVALID_INPUT", ErrorMessage: "not found" })),
          },
        };
      }
      case "GetQueryResults": {
        const e = this.executions.find((x) => x.id === body.QueryExecutionId);
        if (!e) return invalid(`QueryExecution ${body.QueryExecutionId} was not found`);
        if (e.state !== "SUCCEEDED" || !e.result)
          return invalid(`Query has not yet finished. Current state: ${e.state}`);
        const { columns, rows } = e.result;
        const text = (v: unknown) => (v === null || v === undefined ? {} : { VarCharValue: String(v) });
        return {
          status: 200,
          body: {
            UpdateCount: 0,
            ResultSet: {
              Rows: [
                { Data: columns.map((c) => ({ VarCharValue: c })) },
                ...rows.map((r) => ({ Data: columns.map((c) => text(r[c])) })),
              ],
              ResultSetMetadata: {
                ColumnInfo: columns.map((c) => ({
                  CatalogName: "hive",
                  Name: c,
                  Label: c,
                  Type: athenaType(rows.map((r) => r[c])),
                  Nullable: "UNKNOWN",
                })),
              },
            },
          },
        };
      }
      default:
        return invalid(`${action} is not supported locally`);
    }
  }

  private async startExecution(body: any): Promise<Reply> {
    if (typeof body.QueryString !== "string" || body.QueryString.length === 0)
      return invalid("QueryString is required");
    const workgroup = body.WorkGroup ?? "primary";
    if (!this.namedQueries.some((q) => q.workgroup === workgroup))
      return invalid(`WorkGroup ${workgroup} is not found`);
    const token: string | undefined = body.ClientRequestToken;
    const earlier = token ? this.executions.find((e) => e.token === token) : undefined;
    if (earlier) return { status: 200, body: { QueryExecutionId: earlier.id } };
    const submittedAt = this.clock();
    // Listed (RUNNING) before it runs, so a second start with its token is the same execution.
    const execution: Execution = {
      id: randomUUID(),
      sql: body.QueryString,
      parameters: body.ExecutionParameters,
      workgroup,
      token,
      state: "RUNNING",
      submittedAt,
    };
    this.executions.unshift(execution);
    const run = this.run(execution).finally(() => this.runs.delete(run));
    this.runs.add(run);
    return { status: 200, body: { QueryExecutionId: execution.id } };
  }

  private async run(execution: Execution): Promise<void> {
    let lake: LocalLake | undefined;
    try {
      lake = await LocalLake.open(this.lakeDir, this.layout);
      execution.result = await lake.runSql(execution.sql, execution.parameters ?? []);
      execution.state = "SUCCEEDED";
    } catch (err) {
      execution.state = "FAILED";
      execution.reason = (err as Error).message;
    } finally {
      lake?.close();
    }
    execution.completedAt = this.clock();
  }
}
