// A Lambda function whose code is one of our handlers, bundled by esbuild while the program
// runs, with everything a production function needs: its own role (trusting Lambda only
// from this account), its own log group with retention, X-Ray tracing, explicit timeout and
// memory, and only the permissions its caller grants it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { bundleHandler } from "./bundle";
import { callerContext, policyDocument, type PolicyStatement, serviceTrustPolicy } from "./iam";

export interface BundledFunctionArgs {
  /** Handler entry relative to the repository root, e.g. "handlers/orders/index.ts". */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  logRetentionDays: number;
  environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** What the function may do, beyond writing its logs and traces: exact actions on exact ARNs. */
  policyStatements?: pulumi.Input<PolicyStatement>[];
  /** Run inside a VPC (private subnets, the given security groups). */
  vpc?: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };
}

export const lambdaRuntime = "nodejs22.x";
export const lambdaArchitecture = "arm64";

export class BundledFunction extends pulumi.ComponentResource {
  public readonly function: aws.lambda.Function;
  public readonly role: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly arn: pulumi.Output<string>;
  public readonly name: pulumi.Output<string>;
  public readonly timeoutSeconds: number;
  /** Size of the deployed bundle in bytes (known before deployment). */
  public readonly bundleBytes: number;
  /**
   * SHA-256 (hex) of the deployed code, known before deployment: it changes exactly when the
   * handler's bundle does, so a resource that must follow the code (a deploy-time invocation's
   * triggers) takes it instead of bundling the handler again.
   */
  public readonly codeHash: string;

  constructor(name: string, args: BundledFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:lib:BundledFunction", name, {}, opts);
    const { accountId, partition } = callerContext({ parent: this });
    const bundle = bundleHandler(args.entry);
    this.bundleBytes = bundle.bytes;
    this.codeHash = createHash("sha256").update(bundle.code).digest("hex");
    this.timeoutSeconds = args.timeoutSeconds;

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays: args.logRetentionDays },
      { parent: this },
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Execution role of ${name}`,
        assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com", accountId),
      },
      { parent: this },
    );

    const basePermissions: pulumi.Input<PolicyStatement>[] = [
      {
        Sid: "WriteOwnLogs",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${this.logGroup.arn}:*`,
      },
      // X-Ray accepts no narrower resource for trace uploads.
      { Sid: "WriteTraces", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
      ...(args.vpc
        ? vpcNetworkInterfaceStatements(args.vpc, {
            partition,
            region: aws.getRegionOutput({}, { parent: this }).region,
            accountId,
          })
        : []),
    ];
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: policyDocument([...basePermissions, ...(args.policyStatements ?? [])]),
      },
      { parent: this },
    );

    const dependsOn: pulumi.Resource[] = [policy, this.logGroup];

    this.function = new aws.lambda.Function(
      name,
      {
        description: args.description,
        runtime: lambdaRuntime,
        architectures: [lambdaArchitecture],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle.code) }),
        role: this.role.arn,
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds,
        tracingConfig: { mode: "Active" },
        loggingConfig: {
          logFormat: "JSON",
          logGroup: this.logGroup.name,
          applicationLogLevel: "INFO",
          systemLogLevel: "WARN",
        },
        environment: args.environment ? { variables: args.environment } : undefined,
        vpcConfig: args.vpc
          ? { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds }
          : undefined,
      },
      { parent: this, dependsOn },
    );

    this.arn = this.function.arn;
    this.name = this.function.name;
    this.registerOutputs({ arn: this.arn, name: this.name, roleArn: this.role.arn, logGroup: this.logGroup.name });
  }
}

/**
 * What Lambda does with a VPC function's role to attach it to its subnets (the Lambda VPC guide's
 * list, inline instead of AWSLambdaVPCAccessExecutionRole, which would also let the function
 * write every log group). The Describe calls work only on "*"; interfaces are created only in
 * the function's own subnets with its own security groups, and managed in this account and region.
 */
export function vpcNetworkInterfaceStatements(
  vpc: NonNullable<BundledFunctionArgs["vpc"]>,
  context: { partition: pulumi.Input<string>; region: pulumi.Input<string>; accountId: pulumi.Input<string> },
): pulumi.Input<PolicyStatement>[] {
  const ec2 = (resource: pulumi.Input<string>) =>
    pulumi.interpolate`arn:${context.partition}:ec2:${context.region}:${context.accountId}:${resource}`;
  const interfaces = ec2("network-interface/*");
  return [
    pulumi.all([vpc.subnetIds, vpc.securityGroupIds]).apply(
      ([subnets, groups]): PolicyStatement => ({
        Sid: "CreateNetworkInterfacesInOwnSubnets",
        Action: "ec2:CreateNetworkInterface",
        Resource: [
          interfaces,
          ...subnets.map((id) => ec2(`subnet/${id}`)),
          ...groups.map((id) => ec2(`security-group/${id}`)),
        ],
      }),
    ),
    {
      Sid: "ManageNetworkInterfaces",
      Action: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
      Resource: interfaces,
    },
    {
      Sid: "DescribeNetworkInterfaces",
      Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
      Resource: "*",
    },
  ];
}
