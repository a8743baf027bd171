// AnalyticsReports Lambda entry: reads its environment, wires the Athena client and telemetry
// once per container, and answers GET /analytics/{query}.
import { Logger } from "@aws-lambda-powertools/logger";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { AthenaClient } from "@aws-sdk/client-athena";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import * as z from "zod";
import { environmentSchema } from "./contract";
import { reportsHandler } from "./reports";

const parsedEnvironment = environmentSchema.safeParse(process.env);
if (!parsedEnvironment.success) {
  throw new Error(`AnalyticsReports environment is invalid: ${z.prettifyError(parsedEnvironment.error)}`);
}
const env = parsedEnvironment.data;

const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });
const tracer = new Tracer({ serviceName: env.POWERTOOLS_SERVICE_NAME });
const athena = tracer.captureAWSv3Client(new AthenaClient({ region: env.AWS_REGION }));

const reports = reportsHandler({
  athena,
  workgroup: env.WORKGROUP,
  namedQueryIds: env.NAMED_QUERY_IDS,
  windowDays: env.WINDOW_DAYS,
  maxAgeSeconds: env.MAX_AGE_SECONDS,
  allowedOrigin: env.ALLOWED_ORIGIN,
  logger,
});

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  return reports(event);
};
