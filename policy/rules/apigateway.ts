// API Gateway REST APIs: access and execution logs without request bodies, request validation,
// an authorizer on every method that is not public by design, tracing and WAF.
import type { PolicyResource } from "@pulumi/policy";
import { ofType, resourceRule, stackRule } from "../lib/define";
import { joinTarget } from "../lib/join";
import { parseMaybeJson, peek, present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const stageType = "aws:apigateway/stage:Stage";
const methodSettingsType = "aws:apigateway/methodSettings:MethodSettings";
const restApiType = "aws:apigateway/restApi:RestApi";
/** An API's definition put after the API exists (RestApiPut): its OpenAPI body is checked as a RestApi's is. */
const restApiPutType = "aws:apigateway/restApiPut:RestApiPut";
const methodType = "aws:apigateway/method:Method";

const httpMethods = ["get", "put", "post", "delete", "patch", "head", "x-amazon-apigateway-any-method"];

/** Every operation of an OpenAPI body: ("GET /orders", operation object). CORS preflights excluded. */
function operations(body: unknown): { route: string; op: any }[] {
  const doc = parseMaybeJson(body);
  if (!doc || typeof doc !== "object") return [];
  return Object.entries(doc.paths ?? {}).flatMap(([path, methods]: [string, any]) =>
    Object.entries(methods ?? {})
      .filter(([m]) => httpMethods.includes(m))
      .map(([m, op]) => ({ route: `${m === "x-amazon-apigateway-any-method" ? "ANY" : m.toUpperCase()} ${path}`, op })),
  );
}

/** The stage a MethodSettings configures: same REST API (joined) and same stage name. */
function settingsOfStage(stage: PolicyResource, resources: PolicyResource[]): PolicyResource[] {
  const apis = ofType(resources, restApiType);
  const api = joinTarget(stage, "restApi", apis, (a) => [peek(() => a.props.id)]);
  return ofType(resources, methodSettingsType).filter((s) => {
    const sameApi = api ? joinTarget(s, "restApi", apis, (a) => [peek(() => a.props.id)])?.urn === api.urn : true;
    const stageName = peek(() => s.props.stageName);
    return sameApi && (stageName === undefined || stageName === peek(() => stage.props.stageName));
  });
}

export const apigatewayRules: PackPolicy[] = [
  resourceRule({
    name: "apigateway-access-logs",
    service: "apigateway",
    maps: "AwsSolutions-APIG1 / CKV_AWS_76",
    level: "mandatory",
    description: "Every API stage writes access logs to CloudWatch Logs.",
    remediation: "Set accessLogSettings { destinationArn: <log group ARN>, format } on the stage.",
    types: [stageType],
    validate: (props, _args, report) => {
      if (!present(() => props.accessLogSettings?.destinationArn)) report("The stage writes no access logs.");
    },
  }),
  stackRule({
    name: "apigateway-execution-logs",
    service: "apigateway",
    maps: "AwsSolutions-APIG6 / CKV2_AWS_4",
    level: "mandatory",
    description:
      "Every API stage logs execution errors for all methods (method settings */* with loggingLevel ERROR or INFO).",
    remediation:
      'Add an aws.apigateway.MethodSettings with methodPath "*/*" and settings.loggingLevel "ERROR" (or INFO) for the stage.',
    validate: (resources, _args, report) => {
      for (const stage of ofType(resources, stageType)) {
        const all = settingsOfStage(stage, resources).filter((s) => peek(() => s.props.methodPath) === "*/*");
        if (!all.some((s) => ["ERROR", "INFO"].includes(peek(() => s.props.settings?.loggingLevel))))
          report(stage, `Stage ${stage.name} has no */* method settings with execution logging.`);
      }
    },
  }),
  resourceRule({
    name: "apigateway-no-data-trace",
    service: "apigateway",
    maps: "CKV_AWS_276",
    level: "mandatory",
    description: "Method settings never log full requests and responses (they would hold tokens and personal data).",
    remediation: "Set settings.dataTraceEnabled false.",
    types: [methodSettingsType],
    validate: (props, _args, report) => {
      if (props.settings?.dataTraceEnabled === true)
        report(`Method settings ${props.methodPath} log full request and response data.`);
    },
  }),
  resourceRule({
    name: "apigateway-request-validation",
    service: "apigateway",
    maps: "AwsSolutions-APIG2",
    level: "mandatory",
    description: "Every API method validates its request (a declared request validator) before the backend runs.",
    remediation:
      "Declare x-amazon-apigateway-request-validators and set x-amazon-apigateway-request-validator on every operation (or the API default); for Method resources set requestValidatorId.",
    types: [restApiType, restApiPutType, methodType],
    validate: (props, args, report) => {
      if (args.type === methodType) {
        if (props.httpMethod !== "OPTIONS" && !present(() => props.requestValidatorId))
          report(`Method ${props.httpMethod} has no request validator.`);
        return;
      }
      const doc = parseMaybeJson(peek(() => props.body));
      if (!doc) return;
      const validators = Object.keys(doc["x-amazon-apigateway-request-validators"] ?? {});
      const fallback = doc["x-amazon-apigateway-request-validator"];
      for (const { route, op } of operations(doc)) {
        const validator = op["x-amazon-apigateway-request-validator"] ?? fallback;
        if (!validator || !validators.includes(validator)) report(`${route} has no declared request validator.`);
      }
    },
  }),
  resourceRule({
    name: "apigateway-authorization",
    service: "apigateway",
    maps: "AwsSolutions-APIG4 / AwsSolutions-COG4 / CKV_AWS_59",
    level: "mandatory",
    description:
      "Every API method requires an authorizer (Cognito user pool); public routes are listed as suppressions, one per route.",
    remediation:
      'Add `security: [{ cognito: [] }]` (route authorization "cognito"), or, for a route public by design, a suppression with detail "<METHOD> <path>" and the reason.',
    types: [restApiType, restApiPutType, methodType],
    validate: (props, args, report) => {
      if (args.type === methodType) {
        if (props.httpMethod !== "OPTIONS" && (props.authorization ?? "NONE") === "NONE")
          report(`Method ${props.httpMethod} has no authorization.`);
        return;
      }
      const doc = parseMaybeJson(peek(() => props.body));
      if (!doc) return;
      for (const { route, op } of operations(doc)) {
        const security = op.security ?? doc.security ?? [];
        if (!Array.isArray(security) || security.length === 0) report(`${route} requires no authorization.`);
      }
    },
  }),
  resourceRule({
    name: "apigateway-xray",
    service: "apigateway",
    maps: "CKV_AWS_73 / NIST.800.53.R5-APIGWXrayEnabled",
    level: "advisory",
    description: "API stages trace requests with X-Ray.",
    remediation: "Set xrayTracingEnabled true on the stage.",
    types: [stageType],
    validate: (props, _args, report) => {
      if (props.xrayTracingEnabled !== true) report("The stage does not trace with X-Ray.");
    },
  }),
  stackRule({
    name: "apigateway-waf",
    service: "apigateway",
    maps: "AwsSolutions-APIG3 / CKV2_AWS_29",
    level: "advisory",
    description: "API stages are associated with an AWS WAF web ACL.",
    remediation: "Create an aws.wafv2.WebAcl (scope REGIONAL) and an aws.wafv2.WebAclAssociation with the stage ARN.",
    validate: (resources, _args, report) => {
      const stages = ofType(resources, stageType);
      const associations = ofType(resources, "aws:wafv2/webAclAssociation:WebAclAssociation");
      for (const stage of stages) {
        const protectedBy = associations.filter(
          (a) => joinTarget(a, "resourceArn", stages, (s) => [peek(() => s.props.arn)])?.urn === stage.urn,
        );
        if (protectedBy.length === 0) report(stage, `Stage ${stage.name} has no WAF web ACL.`);
      }
    },
  }),
];
