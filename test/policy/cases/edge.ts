// CloudFront, Cognito and API Gateway cases.
import { r } from "../harness";
import { patch, type RuleCases } from "./types";

const D = "aws:cloudfront/distribution:Distribution";
const distribution = {
  enabled: true,
  defaultRootObject: "index.html",
  webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/storefront/1",
  origins: [{ originId: "site", domainName: "site-1234.s3.eu-west-1.amazonaws.com", originAccessControlId: "E2OAC" }],
  defaultCacheBehavior: {
    targetOriginId: "site",
    viewerProtocolPolicy: "redirect-to-https",
    responseHeadersPolicyId: "rhp-1",
    allowedMethods: ["GET", "HEAD"],
    cachedMethods: ["GET", "HEAD"],
  },
  viewerCertificate: {
    acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/1",
    sslSupportMethod: "sni-only",
    minimumProtocolVersion: "TLSv1.2_2021",
  },
  loggingConfig: { bucket: "logs-1234.s3.amazonaws.com", prefix: "cloudfront/" },
};
const cdn = (changes: Record<string, any> = {}) => [r(D, "cdn", patch(distribution, changes))];

const P = "aws:cognito/userPool:UserPool";
const pool = {
  passwordPolicy: {
    minimumLength: 12,
    requireLowercase: true,
    requireUppercase: true,
    requireNumbers: true,
    requireSymbols: true,
  },
  mfaConfiguration: "ON",
  softwareTokenMfaConfiguration: { enabled: true },
  userPoolAddOns: { advancedSecurityMode: "ENFORCED" },
  deletionProtection: "ACTIVE",
};
const users = (changes: Record<string, any> = {}) => [r(P, "users", patch(pool, changes))];

const openApi = (health: Record<string, unknown>) =>
  JSON.stringify({
    openapi: "3.0.1",
    paths: {
      "/orders": {
        post: { security: [{ cognito: [] }], "x-amazon-apigateway-request-validator": "body-and-params" },
        options: { summary: "CORS preflight" },
      },
      "/health": { get: health },
    },
    "x-amazon-apigateway-request-validators": {
      "body-and-params": { validateRequestBody: true, validateRequestParameters: true },
      params: { validateRequestParameters: true },
    },
  });
const api = (health: Record<string, unknown>) => [
  r("aws:apigateway/restApi:RestApi", "rest", { body: openApi(health) }),
];

const stage = {
  stageName: "v1",
  xrayTracingEnabled: true,
  accessLogSettings: { destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/api", format: "{}" },
};
const apiStack = (settings: Record<string, any> | null, more: ReturnType<typeof r>[] = []) => [
  r("aws:apigateway/restApi:RestApi", "api-rest", {
    body: openApi({ security: [{ cognito: [] }], "x-amazon-apigateway-request-validator": "params" }),
  }),
  r(
    "aws:apigateway/stage:Stage",
    "api-stage",
    { ...stage, restApi: "api-rest-id" },
    { deps: { restApi: ["api-rest"] }, outputs: { arn: "arn:aws:apigateway:eu-west-1::/restapis/abc/stages/v1" } },
  ),
  ...(settings
    ? [
        r(
          "aws:apigateway/methodSettings:MethodSettings",
          "api-all-methods",
          { restApi: "api-rest-id", stageName: "v1", methodPath: "*/*", settings },
          { deps: { restApi: ["api-rest"] } },
        ),
      ]
    : []),
  ...more,
];

export const edgeCases: RuleCases = {
  "cloudfront-viewer-https": {
    compliant: cdn(),
    violating: cdn({
      orderedCacheBehaviors: [
        {
          pathPattern: "/assets/*",
          targetOriginId: "site",
          viewerProtocolPolicy: "allow-all",
          responseHeadersPolicyId: "rhp-1",
        },
      ],
    }),
    expect: /cache behavior \/assets\/\* allows plain HTTP/,
  },
  "cloudfront-tls-policy": {
    compliant: cdn(),
    violating: cdn({ viewerCertificate: { minimumProtocolVersion: "TLSv1" } }),
    expect: /allows TLSv1;/,
  },
  "cloudfront-custom-certificate": {
    compliant: cdn(),
    violating: cdn({
      viewerCertificate: {
        acmCertificateArn: undefined,
        sslSupportMethod: undefined,
        minimumProtocolVersion: undefined,
        cloudfrontDefaultCertificate: true,
      },
    }),
    expect: /default \*\.cloudfront\.net certificate/,
  },
  "cloudfront-s3-origin-access-control": {
    compliant: cdn(),
    violating: cdn({
      origins: [
        {
          originId: "site",
          domainName: "site-1234.s3.eu-west-1.amazonaws.com",
          s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" },
        },
      ],
    }),
    expect: /no Origin Access Control \(it uses a legacy origin access identity\)/,
  },
  "cloudfront-security-headers": {
    compliant: cdn(),
    violating: cdn({ defaultCacheBehavior: { responseHeadersPolicyId: undefined } }),
    expect: /default cache behavior has no response headers policy/,
  },
  "cloudfront-access-logs": {
    compliant: cdn(),
    violating: cdn({ loggingConfig: undefined }),
    expect: /no access logs/,
  },
  "cloudfront-waf": { compliant: cdn(), violating: cdn({ webAclId: undefined }), expect: /no WAF/ },
  "cloudfront-default-root-object": {
    compliant: cdn(),
    violating: cdn({ defaultRootObject: undefined }),
    expect: /no default root object/,
  },

  "cognito-password-policy": {
    stage: "prod",
    compliant: users(),
    violating: users({ passwordPolicy: { minimumLength: 10 } }),
    expect: /length is 10; require at least 12/,
  },
  "cognito-mfa": {
    stage: "prod",
    compliant: users(),
    violating: users({ mfaConfiguration: "OPTIONAL" }),
    expect: /MFA is OPTIONAL in production/,
  },
  "cognito-threat-protection": {
    compliant: users(),
    violating: users({ userPoolAddOns: { advancedSecurityMode: "AUDIT" } }),
    expect: /Threat protection is AUDIT/,
  },

  "apigateway-access-logs": {
    compliant: apiStack({ loggingLevel: "ERROR" }),
    violating: apiStack({ loggingLevel: "ERROR" }).map((f) =>
      f.name === "api-stage" ? { ...f, inputs: patch(f.inputs, { accessLogSettings: undefined }) } : f,
    ),
    expect: /writes no access logs/,
  },
  "apigateway-execution-logs": {
    compliant: apiStack({ loggingLevel: "ERROR", metricsEnabled: true, dataTraceEnabled: false }),
    violating: apiStack({ loggingLevel: "OFF", metricsEnabled: true }),
    expect: /Stage api-stage has no \*\/\* method settings with execution logging/,
  },
  "apigateway-no-data-trace": {
    compliant: apiStack({ loggingLevel: "ERROR", dataTraceEnabled: false }),
    violating: apiStack({ loggingLevel: "INFO", dataTraceEnabled: true }),
    expect: /log full request and response data/,
  },
  "apigateway-request-validation": {
    compliant: api({ security: [{ cognito: [] }], "x-amazon-apigateway-request-validator": "params" }),
    violating: api({ security: [{ cognito: [] }], "x-amazon-apigateway-request-validator": "undeclared" }),
    expect: /GET \/health has no declared request validator/,
  },
  "apigateway-authorization": {
    compliant: api({ security: [{ cognito: [] }], "x-amazon-apigateway-request-validator": "params" }),
    violating: api({ "x-amazon-apigateway-request-validator": "params" }),
    expect: /GET \/health requires no authorization/,
  },
  "apigateway-xray": {
    compliant: apiStack({ loggingLevel: "ERROR" }),
    violating: apiStack({ loggingLevel: "ERROR" }).map((f) =>
      f.name === "api-stage" ? { ...f, inputs: patch(f.inputs, { xrayTracingEnabled: false }) } : f,
    ),
    expect: /does not trace with X-Ray/,
  },
  "apigateway-waf": {
    compliant: apiStack({ loggingLevel: "ERROR" }, [
      r("aws:wafv2/webAclAssociation:WebAclAssociation", "api-waf", {
        resourceArn: "arn:aws:apigateway:eu-west-1::/restapis/abc/stages/v1",
        webAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/1",
      }),
    ]),
    violating: apiStack({ loggingLevel: "ERROR" }),
    expect: /Stage api-stage has no WAF web ACL/,
  },
};
