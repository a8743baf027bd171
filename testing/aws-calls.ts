// Records the AWS calls each handler makes while the handler tests run, so the IAM simulator
// test (test/infra/iam-simulator.test.ts) checks the grants against what the code really
// calls rather than a hand-typed list. Calls are recorded at the SDK boundary (a middleware on
// real clients, a wrapper around the fakes) and, for OpenSearch, as the method and path the
// stand-in received. Resource names are written as the environment variables the component
// sets (`${ORDERS_TABLE}`), which the IAM test resolves against the program run under mocks.
//
// The list is committed (recorded-aws-calls.json) so the IAM test runs without the handler
// tests. After the run (in --parallel mode, after each worker's files: each leaves a report that
// the global teardown merges) the list is compared: a call a handler made that the file lacks
// fails the run, and so does an entry a fully passing test file no longer produces. To rewrite the
// entries of the files that ran (and fully passed): AWS_CALLS_UPDATE=1 npx mocha
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const recordedCallsFile = path.join(__dirname, "recorded-aws-calls.json");

/** POWERTOOLS_SERVICE_NAME of the handler: the IAM test finds the Lambda by it. */
export type HandlerName =
  | "orders-api"
  | "orders-search"
  | "catalog"
  | "search-indexer"
  | "search-access"
  | "clickstream-processor"
  | "recommendations"
  | "analytics-reports";

/** test file (relative to the repository) → handler → calls, each "<service>:<operation> <resource>". */
export type RecordedCalls = Record<string, Partial<Record<HandlerName, string[]>>>;

/** The environment a handler was given in the test, by the variable names its component sets. */
export type Binding = Record<string, string>;

const repoRoot = path.resolve(__dirname, "..");
const recorded = new Map<string, Map<HandlerName, Set<string>>>();
let currentFile: string | undefined;

function record(handler: HandlerName, call: string): void {
  // Outside mocha (the bench drives the same fixtures) there is no list to keep.
  if (typeof (globalThis as { it?: unknown }).it !== "function") return;
  if (!currentFile) throw new Error(`AWS call ${call} made outside a test: no test file to attribute it to`);
  const byHandler = recorded.get(currentFile) ?? new Map<HandlerName, Set<string>>();
  recorded.set(currentFile, byHandler);
  const calls = byHandler.get(handler) ?? new Set<string>();
  byHandler.set(handler, calls);
  calls.add(call);
}

/** `value` as `${VARIABLE}` of the binding; with `prefix`, a binding value it starts with, then `*`. */
function bound(value: string | undefined, binding: Binding, what: string, options: { prefix?: boolean } = {}): string {
  const names = Object.entries(binding)
    .filter(([, v]) => (options.prefix ? value?.startsWith(v) : value === v))
    .map(([k]) => k);
  if (names.length !== 1) {
    throw new Error(
      `${what} ${JSON.stringify(value)} is ${names.length ? `ambiguous (${names.join(", ")})` : "not one of the handler's environment values"}: bind it in the test's call recorder (${JSON.stringify(binding)})`,
    );
  }
  return options.prefix ? `\${${names[0]}}*` : `\${${names[0]}}`;
}

type Input = Record<string, any>;

/** One SDK command as "<service>:<operation> <resource>" entries (a transaction or batch names each table). */
export function describeSdkCall(service: string, operation: string, input: Input, binding: Binding): string[] {
  const table = (name: string, index?: string) =>
    `table/${bound(name, binding, "table")}${index ? `/index/${index}` : ""}`;
  switch (service) {
    case "dynamodb":
      if (operation === "BatchGetItem" || operation === "BatchWriteItem") {
        return Object.keys(input.RequestItems ?? {}).map((name) => `dynamodb:${operation} ${table(name)}`);
      }
      if (operation === "TransactWriteItems" || operation === "TransactGetItems") {
        return (input.TransactItems ?? []).map((item: Input) => {
          const [kind, body] = Object.entries(item)[0] as [string, Input];
          return `dynamodb:${operation}.${kind} ${table(body.TableName)}`;
        });
      }
      return [`dynamodb:${operation} ${table(input.TableName, input.IndexName)}`];
    case "s3":
      return [
        `s3:${operation} ${bound(input.Bucket, binding, "bucket")}/${bound(input.Key, binding, "object key", { prefix: true })}`,
      ];
    case "firehose":
      return [`firehose:${operation} deliverystream/${bound(input.DeliveryStreamName, binding, "delivery stream")}`];
    case "personalize-events":
      return [`personalize-events:${operation} tracker/${bound(input.trackingId, binding, "tracking id")}`];
    case "sqs":
      return [`sqs:${operation} ${bound(input.QueueUrl, binding, "queue URL")}`];
    case "personalize-runtime":
      return [
        `personalize-runtime:${operation} ${bound(input.campaignArn ?? input.recommenderArn, binding, "campaign or recommender ARN")}`,
      ];
    case "athena":
      // Athena authorizes every call on a workgroup: the one named (list, start) or, for a call
      // naming only a query or execution id, the one it belongs to, which for a handler is the
      // one its WORKGROUP names (it reads no other).
      return [`athena:${operation} workgroup/${bound(input.WorkGroup ?? binding.WORKGROUP, binding, "workgroup")}`];
    default:
      throw new Error(`no resource description for ${service}:${operation}: add the service to describeSdkCall`);
  }
}

export function recordSdkCall(
  handler: HandlerName,
  service: string,
  operation: string,
  input: Input,
  binding: Binding,
): void {
  for (const call of describeSdkCall(service, operation, input, binding)) record(handler, call);
}

/** An HTTP request to OpenSearch, as IAM authorizes it: method and path (no query string). */
export function recordHttpCall(handler: HandlerName, method: string, urlPath: string): void {
  record(handler, `es:${method.toUpperCase()} ${urlPath.split("?")[0]}`);
}

const commandOperation = (command: object) => command.constructor.name.replace(/Command$/, "");

/** A real SDK client (v3) the handler is given: every command it sends is recorded. */
export function recordingClient<C extends { middlewareStack: { add: (...args: any[]) => void } }>(
  handler: HandlerName,
  service: string,
  client: C,
  binding: Binding,
): C {
  client.middlewareStack.add(
    (next: (args: any) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Input }) => {
      recordSdkCall(handler, service, String(context.commandName).replace(/Command$/, ""), args.input, binding);
      return next(args);
    },
    { step: "initialize", name: "recordAwsCall" },
  );
  return client;
}

/** A fake with the SDK's `send(command)` shape: every command sent through it is recorded. */
export function recordingSender<S extends { send: (command: any) => Promise<any> }>(
  handler: HandlerName,
  service: string,
  sender: S,
  binding: Binding,
): S {
  return {
    send: (command: { input: Input }) => {
      recordSdkCall(handler, service, commandOperation(command), command.input, binding);
      return sender.send(command);
    },
  } as S;
}

/** A SigV4-signed request, as a handler sends it (the tests' own look-ups are unsigned). */
export const isSigned = (headers: Record<string, unknown>) =>
  /^AWS4-HMAC-SHA256 /.test(String(headers.authorization ?? ""));

// ---- the committed list and the check after the run ----

export function readRecordedCalls(): RecordedCalls {
  return fs.existsSync(recordedCallsFile) ? JSON.parse(fs.readFileSync(recordedCallsFile, "utf8")) : {};
}

function sorted(calls: RecordedCalls): RecordedCalls {
  const out: RecordedCalls = {};
  for (const file of Object.keys(calls).sort()) {
    const byHandler = calls[file];
    const handlers = Object.keys(byHandler).sort() as HandlerName[];
    if (handlers.length === 0) continue;
    out[file] = Object.fromEntries(handlers.map((h) => [h, [...new Set(byHandler[h])].sort()]));
  }
  return out;
}

interface SuiteLike {
  file?: string;
  tests: { state?: string; pending?: boolean; file?: string }[];
  suites: SuiteLike[];
}

/** Test files whose every test ran and passed (a --grep or a failure leaves some unrun or failed). */
function fullyPassedFiles(root: SuiteLike): Set<string> {
  const states = new Map<string, boolean>();
  const visit = (suite: SuiteLike) => {
    for (const test of suite.tests) {
      const file = test.file ?? suite.file;
      if (!file) continue;
      const ok = test.pending || test.state === "passed";
      states.set(file, (states.get(file) ?? true) && ok);
    }
    suite.suites.forEach(visit);
  };
  visit(root);
  return new Set([...states].filter(([, ok]) => ok).map(([file]) => path.relative(repoRoot, file)));
}

/**
 * What is wrong with the committed list, given what a run recorded and which test files fully
 * passed: a call made that the list lacks (always), an entry no longer made (only for files
 * that fully passed, as a failed or filtered test may not have made its calls).
 */
export function compareRecordedCalls(
  ran: RecordedCalls,
  committed: RecordedCalls,
  complete: Set<string>,
  listName = "recorded-aws-calls.json",
): string[] {
  const problems: string[] = [];
  const files = new Set([...Object.keys(ran), ...[...complete].filter((f) => committed[f])]);
  for (const file of files) {
    for (const handler of new Set([
      ...Object.keys(ran[file] ?? {}),
      ...Object.keys(committed[file] ?? {}),
    ]) as Set<HandlerName>) {
      const made = new Set(ran[file]?.[handler] ?? []);
      const listed = new Set(committed[file]?.[handler] ?? []);
      for (const call of made)
        if (!listed.has(call)) problems.push(`${handler} made ${call} in ${file}, which ${listName} lacks`);
      if (complete.has(file))
        for (const call of listed)
          if (!made.has(call))
            problems.push(`${handler} no longer makes ${call} in ${file}, which ${listName} still has`);
    }
  }
  return problems;
}

/** The committed entries with those of the fully passed files replaced by what they recorded. */
export function updatedRecordedCalls(
  ran: RecordedCalls,
  committed: RecordedCalls,
  complete: Set<string>,
): RecordedCalls {
  const next: RecordedCalls = { ...committed };
  for (const file of complete) delete next[file];
  for (const [file, byHandler] of Object.entries(ran)) if (complete.has(file)) next[file] = byHandler;
  return sorted(next);
}

/** What one mocha process (the main one, or a --parallel worker per test file) recorded. */
interface RunReport {
  ran: RecordedCalls;
  complete: string[];
}

/** The calls recorded so far, by test file relative to the repository; clears them (a worker runs many files). */
function takeRecorded(): RecordedCalls {
  const ran: RecordedCalls = {};
  for (const [file, byHandler] of recorded) {
    ran[path.relative(repoRoot, file)] = Object.fromEntries([...byHandler].map(([h, calls]) => [h, [...calls]]));
  }
  recorded.clear();
  return ran;
}

/** What is wrong with the committed list given every process's report; with `update`, rewrites it instead. */
export function checkReports(reports: RunReport[], update: boolean): string[] {
  const ran: RecordedCalls = {};
  for (const report of reports) {
    for (const [file, byHandler] of Object.entries(report.ran)) {
      const merged = (ran[file] ??= {});
      for (const [handler, calls] of Object.entries(byHandler) as [HandlerName, string[]][])
        merged[handler] = [...new Set([...(merged[handler] ?? []), ...calls])];
    }
  }
  if (Object.keys(ran).length === 0 && !update) return [];
  const committed = readRecordedCalls();
  const complete = new Set(reports.flatMap((r) => r.complete));
  if (update) {
    fs.writeFileSync(recordedCallsFile, `${JSON.stringify(updatedRecordedCalls(ran, committed, complete), null, 2)}\n`);
    return [];
  }
  return compareRecordedCalls(ran, committed, complete, path.relative(repoRoot, recordedCallsFile));
}

const outOfDate = (problems: string[]) =>
  new Error(
    `The recorded AWS calls are out of date (the IAM simulator test checks the grants against them):\n  ${problems.join("\n  ")}\nRecord them again with: AWS_CALLS_UPDATE=1 npx mocha (rewrites the entries of every test file that fully passed)`,
  );

/** Where the processes of one run leave their reports; set by the global setup, inherited by the workers. */
const reportsDirVariable = "AWS_CALLS_REPORTS_DIR";

/**
 * Root hooks (test/setup.ts): attribute calls to the running test's file; after the root suite
 * (the whole run, or one file in a --parallel worker) leave a report for the global teardown.
 * Without a reports directory (no global setup ran), check at once.
 */
export const awsCallHooks = {
  beforeEach(this: { currentTest?: { file?: string } }) {
    currentFile = this.currentTest?.file;
  },
  afterAll(this: { test?: { parent?: SuiteLike } }) {
    let root = this.test?.parent as (SuiteLike & { parent?: SuiteLike }) | undefined;
    while (root?.parent) root = root.parent as typeof root;
    if (!root) throw new Error("aws-calls: the root hook has no root suite to read test results from");
    const report: RunReport = { ran: takeRecorded(), complete: [...fullyPassedFiles(root)] };
    const dir = process.env[reportsDirVariable];
    if (dir) {
      fs.writeFileSync(
        path.join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`),
        JSON.stringify(report),
      );
      return;
    }
    const problems = checkReports([report], Boolean(process.env.AWS_CALLS_UPDATE));
    if (problems.length) throw outOfDate(problems);
  },
};

/** Global fixtures (test/setup.ts), run once in mocha's main process around all workers. */
export const awsCallFixtures = {
  mochaGlobalSetup() {
    process.env[reportsDirVariable] = fs.mkdtempSync(path.join(os.tmpdir(), "aws-calls-"));
  },
  mochaGlobalTeardown() {
    const dir = process.env[reportsDirVariable];
    if (!dir) throw new Error("aws-calls: the global teardown ran without its setup");
    delete process.env[reportsDirVariable];
    const reports = fs.readdirSync(dir).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as RunReport);
    fs.rmSync(dir, { recursive: true, force: true });
    const problems = checkReports(reports, Boolean(process.env.AWS_CALLS_UPDATE));
    if (problems.length) throw outOfDate(problems);
  },
};
