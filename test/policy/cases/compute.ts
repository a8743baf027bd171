// Lambda and IAM cases.
import { r } from "../harness";
import { patch, type RuleCases } from "./types";

const F = "aws:lambda/function:Function";
const fn = {
  runtime: "nodejs22.x",
  architectures: ["arm64"],
  handler: "index.handler",
  memorySize: 512,
  timeout: 10,
  reservedConcurrentExecutions: 50,
  tracingConfig: { mode: "Active" },
  loggingConfig: { logFormat: "JSON", logGroup: "/ecommerce/orders" },
  environment: {
    variables: {
      TABLE_NAME: "orders-1234",
      POWERTOOLS_SERVICE_NAME: "orders",
      SIGNING_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:signing",
    },
  },
  vpcConfig: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] },
};
const lambda = (changes: Record<string, any> = {}) => [r(F, "orders", patch(fn, changes))];
const withLogs = (retentionInDays: number | undefined) => [
  r("aws:cloudwatch/logGroup:LogGroup", "orders-logs", retentionInDays === undefined ? {} : { retentionInDays }, {
    outputs: { name: "/ecommerce/orders" },
  }),
  r(F, "orders", fn, { deps: { loggingConfig: ["orders-logs"] } }),
];

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const rolePolicy = (...statements: object[]) => [
  r("aws:iam/rolePolicy:RolePolicy", "orders-policy", { role: "orders-role", policy: doc(...statements) }),
];
const putItem = {
  Sid: "WriteOrders",
  Effect: "Allow",
  Action: ["dynamodb:PutItem", "dynamodb:GetItem"],
  Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
};
const traces = {
  Sid: "WriteTraces",
  Effect: "Allow",
  Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  Resource: "*",
};
const trust = (condition?: object) =>
  doc({
    Effect: "Allow",
    Principal: { Service: "lambda.amazonaws.com" },
    Action: "sts:AssumeRole",
    ...(condition ? { Condition: condition } : {}),
  });
const attach = (policyArn: string) => [
  r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "orders-vpc", { role: "orders-role", policyArn }),
];

export const computeCases: RuleCases = {
  "lambda-current-runtime": {
    compliant: lambda(),
    violating: lambda({ runtime: "nodejs18.x" }),
    expect: /nodejs18.x is not a current runtime/,
  },
  "lambda-xray-tracing": {
    compliant: lambda(),
    violating: lambda({ tracingConfig: undefined }),
    expect: /Tracing mode is PassThrough/,
  },
  "lambda-no-secrets-in-environment": {
    compliant: lambda(),
    violating: lambda({ environment: { variables: { TABLE_NAME: "orders", STRIPE_API_KEY: "sk_live_51Habc" } } }),
    expect: /STRIPE_API_KEY looks like a secret/,
  },
  "lambda-log-retention": {
    compliant: withLogs(14),
    violating: withLogs(undefined),
    expect: /log group orders-logs never expires/,
  },
  "lambda-permission-source": {
    compliant: [
      r("aws:lambda/permission:Permission", "invoke", {
        action: "lambda:InvokeFunction",
        function: "orders",
        principal: "apigateway.amazonaws.com",
        sourceArn: "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/POST/orders",
        sourceAccount: "123456789012",
      }),
    ],
    violating: [
      r("aws:lambda/permission:Permission", "invoke", {
        action: "lambda:InvokeFunction",
        function: "orders",
        principal: "apigateway.amazonaws.com",
      }),
    ],
    expect: /apigateway.amazonaws.com may invoke the function on behalf of any resource/,
  },
  "lambda-function-url-auth": {
    compliant: [
      r("aws:lambda/functionUrl:FunctionUrl", "url", { functionName: "orders", authorizationType: "AWS_IAM" }),
    ],
    violating: [r("aws:lambda/functionUrl:FunctionUrl", "url", { functionName: "orders", authorizationType: "NONE" })],
    expect: /authorization type is NONE/,
  },
  "lambda-reserved-concurrency": {
    compliant: lambda(),
    violating: lambda({ reservedConcurrentExecutions: undefined }),
    expect: /no reserved concurrency/,
  },
  "lambda-in-vpc": {
    compliant: lambda(),
    violating: lambda({ vpcConfig: undefined }),
    expect: /does not run in a VPC/,
  },

  "iam-no-wildcard-actions": {
    compliant: rolePolicy(putItem, traces),
    violating: rolePolicy(putItem, {
      Sid: "Everything",
      Effect: "Allow",
      Action: "dynamodb:*",
      Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
    }),
    expect: /Statement Everything allows dynamodb:\*/,
  },
  "iam-no-wildcard-resources": {
    compliant: rolePolicy(putItem, traces, {
      Sid: "Metrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": "ecommerce" } },
    }),
    violating: rolePolicy({ ...putItem, Resource: "*" }),
    expect: /Statement WriteOrders allows dynamodb:PutItem, dynamodb:GetItem on every resource/,
  },
  "iam-no-privileged-managed-policies": {
    compliant: attach("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"),
    violating: attach("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"),
    expect: /AmazonDynamoDBFullAccess grants far more/,
  },
  "iam-aws-managed-policies": {
    compliant: [
      r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "orders-extra", {
        role: "orders-role",
        policyArn: "arn:aws:iam::123456789012:policy/orders-extra",
      }),
    ],
    violating: attach("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"),
    expect: /AWS managed policy AWSLambdaVPCAccessExecutionRole/,
  },
  "iam-trust-policy-scoped": {
    compliant: [
      r("aws:iam/role:Role", "orders-role", {
        assumeRolePolicy: trust({ StringEquals: { "aws:SourceAccount": "123456789012" } }),
      }),
      r("aws:iam/role:Role", "firehose-role", {
        assumeRolePolicy: trust({ StringEquals: { "sts:ExternalId": "123456789012" } }),
      }),
    ],
    violating: [r("aws:iam/role:Role", "orders-role", { assumeRolePolicy: trust() })],
    expect: /lambda.amazonaws.com may assume the role for any account/,
  },
  "iam-no-user-policies": {
    compliant: [
      r("aws:iam/policyAttachment:PolicyAttachment", "ops", {
        policyArn: "arn:aws:iam::123456789012:policy/ops",
        roles: ["ops-role"],
      }),
    ],
    violating: [r("aws:iam/userPolicy:UserPolicy", "ci", { user: "ci", policy: doc(putItem) })],
    expect: /attached directly to an IAM user/,
  },
};
