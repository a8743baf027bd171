// Runs inside each local Lambda instance (a child process with the function's environment):
// loads the deployed bundle once, as the Node.js runtime does at cold start, then handles one
// invocation at a time from the parent, with a Lambda context and a per-invocation trace header.
// Built to plain JavaScript at start (./host-build.ts), so the instance loads no TypeScript.
import { randomBytes } from "node:crypto";

interface InvokeMessage {
  id: number;
  event: unknown;
  requestId: string;
  deadline: number;
}

const codeFile = process.env.LOCAL_LAMBDA_CODE!;
const [moduleName, exportName] = (process.env._HANDLER ?? "index.handler").split(".");
let handler: ((event: unknown, context: unknown) => Promise<unknown>) | undefined;
let initError: { errorType: string; errorMessage: string } | undefined;
try {
  // biome-ignore lint/style/noCommonJs: the function's bundle, loaded at run time as the Lambda runtime loads it
  const loaded = require(codeFile);
  handler = loaded[exportName];
  if (typeof handler !== "function")
    initError = {
      errorType: "Runtime.HandlerNotFound",
      errorMessage: `${moduleName}.${exportName} is undefined or not exported`,
    };
} catch (err) {
  const e = err as Error;
  initError = {
    errorType: "Runtime.UserCodeSyntaxError" === e.name ? e.name : e.name || "Error",
    errorMessage: e.message,
  };
  console.error(
    JSON.stringify({
      level: "ERROR",
      message: "init failed",
      errorType: e.name,
      errorMessage: e.message,
      stack: e.stack,
    }),
  );
}

/** X-Ray trace header of one invocation, unsampled (nothing is sent to a daemon). */
function traceHeader(): string {
  const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
  return `Root=${root};Parent=${randomBytes(8).toString("hex")};Sampled=0;Lineage=local`;
}

async function invoke(message: InvokeMessage) {
  if (initError) return { error: initError };
  process.env._X_AMZN_TRACE_ID = traceHeader();
  const env = process.env;
  const context = {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: env.LOCAL_LAMBDA_ARN,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    return { result: (await handler!(message.event, context)) ?? null };
  } catch (err) {
    const e = err as Error;
    console.error(
      JSON.stringify({
        level: "ERROR",
        requestId: message.requestId,
        errorType: e?.name,
        errorMessage: e?.message,
        stack: e?.stack,
      }),
    );
    return { error: { errorType: e?.name ?? "Error", errorMessage: e?.message ?? String(err) } };
  }
}

process.on("message", (message: InvokeMessage) => {
  void invoke(message).then((reply) => process.send!({ id: message.id, ...reply }));
});
process.send!({ ready: true });
