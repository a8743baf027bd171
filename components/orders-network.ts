// The private network of the order path: an awsx VPC with private subnets only and no NAT
// gateway, so nothing in it can reach the internet. The Lambdas reach DynamoDB through a
// gateway endpoint and SQS through an interface endpoint; the search domain is reached on its
// own ENIs. Security groups allow 443 only, and only from the Lambdas to what they call.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import { policyDocument, type PolicyStatement } from "./lib/iam";

export type OrdersNetworkConfig = Pick<PlatformConfig, "region" | "vpcCidr" | "searchZoneCount">;

export interface OrdersNetworkArgs {
  config: OrdersNetworkConfig;
  /** What may pass through the DynamoDB gateway endpoint (exact actions on exact tables). */
  dynamoDbAccess: { actions: string[]; resources: pulumi.Input<string>[] };
  /** What may pass through the SQS interface endpoint. */
  sqsAccess: { actions: string[]; resources: pulumi.Input<string>[] };
  /** What may pass through a Personalize runtime interface endpoint; absent: no endpoint (nothing calls it). */
  personalizeRuntimeAccess?: { actions: string[]; resources: pulumi.Input<string>[] };
}

const https = { ipProtocol: "tcp", fromPort: 443, toPort: 443 };

/** An endpoint policy: any principal of this account, these actions on these resources only. */
function endpointPolicy(
  access: { actions: string[]; resources: pulumi.Input<string>[] },
  accountId: pulumi.Input<string>,
): pulumi.Output<string> {
  const statement: PolicyStatement = {
    Sid: "OnlyThisStacksResources",
    // "*" as the PrivateLink guide writes it; the condition keeps other accounts out.
    Principal: "*",
    Action: access.actions,
    Resource: access.resources,
    Condition: { StringEquals: { "aws:PrincipalAccount": accountId } },
  };
  return policyDocument([statement]);
}

export class OrdersNetwork extends pulumi.ComponentResource {
  public readonly vpc: awsx.ec2.Vpc;
  public readonly vpcId: pulumi.Output<string>;
  /** One private subnet per availability zone (at least two, for the Lambdas). */
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Attached to every order-path Lambda: egress 443 to the domain and the endpoints only. */
  public readonly lambdaSecurityGroup: aws.ec2.SecurityGroup;
  /** Attached to the search domain: ingress 443 from the Lambdas only. */
  public readonly searchSecurityGroup: aws.ec2.SecurityGroup;
  /** Attached to the interface endpoints: ingress 443 from the Lambdas only. */
  public readonly endpointSecurityGroup: aws.ec2.SecurityGroup;
  public readonly dynamoDbEndpoint: aws.ec2.VpcEndpoint;
  public readonly sqsEndpoint: aws.ec2.VpcEndpoint;
  public readonly personalizeRuntimeEndpoint?: aws.ec2.VpcEndpoint;

  constructor(name: string, args: OrdersNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:orders:OrdersNetwork", name, {}, opts);
    const c = args.config;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

    this.vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: c.vpcCidr,
        // Lambdas always get two AZs; the search domain uses searchZoneCount of them.
        numberOfAvailabilityZones: Math.max(2, c.searchZoneCount),
        subnetStrategy: "Auto",
        subnetSpecs: [{ type: "Private", name: "private" }],
        natGateways: { strategy: "None" },
        // Private DNS of the interface endpoints and the domain's VPC endpoint need both.
        enableDnsHostnames: true,
        enableDnsSupport: true,
      },
      { parent: this },
    );
    this.vpcId = this.vpc.vpcId;
    this.privateSubnetIds = this.vpc.privateSubnetIds;

    // The private subnets' route tables (the only ones: there are no public subnets).
    const routeTableIds = this.vpc.routeTables.apply((tables) => pulumi.all(tables.map((t) => t.id)));

    this.dynamoDbEndpoint = new aws.ec2.VpcEndpoint(
      `${name}-dynamodb`,
      {
        vpcId: this.vpcId,
        serviceName: `com.amazonaws.${c.region}.dynamodb`,
        vpcEndpointType: "Gateway",
        routeTableIds,
        policy: endpointPolicy(args.dynamoDbAccess, accountId),
      },
      { parent: this },
    );

    const group = (suffix: string, description: string) =>
      new aws.ec2.SecurityGroup(`${name}-${suffix}`, { vpcId: this.vpcId, description }, { parent: this });
    this.lambdaSecurityGroup = group(
      "lambdas",
      "Order-path Lambdas: HTTPS to the search domain and the AWS endpoints only",
    );
    this.searchSecurityGroup = group("search", "Search domain: HTTPS from the order-path Lambdas only");
    this.endpointSecurityGroup = group("endpoints", "Interface endpoints: HTTPS from the order-path Lambdas only");

    this.sqsEndpoint = new aws.ec2.VpcEndpoint(
      `${name}-sqs`,
      {
        vpcId: this.vpcId,
        serviceName: `com.amazonaws.${c.region}.sqs`,
        vpcEndpointType: "Interface",
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [this.endpointSecurityGroup.id],
        privateDnsEnabled: true,
        policy: endpointPolicy(args.sqsAccess, accountId),
      },
      { parent: this },
    );

    if (args.personalizeRuntimeAccess) {
      this.personalizeRuntimeEndpoint = new aws.ec2.VpcEndpoint(
        `${name}-personalize-runtime`,
        {
          vpcId: this.vpcId,
          serviceName: `com.amazonaws.${c.region}.personalize-runtime`,
          vpcEndpointType: "Interface",
          subnetIds: this.privateSubnetIds,
          securityGroupIds: [this.endpointSecurityGroup.id],
          privateDnsEnabled: true,
          policy: endpointPolicy(args.personalizeRuntimeAccess, accountId),
        },
        { parent: this },
      );
    }

    const egress = (
      suffix: string,
      description: string,
      target: { referencedSecurityGroupId?: pulumi.Input<string>; prefixListId?: pulumi.Input<string> },
    ) =>
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-lambdas-to-${suffix}`,
        { securityGroupId: this.lambdaSecurityGroup.id, description, ...https, ...target },
        { parent: this },
      );
    const ingress = (group: aws.ec2.SecurityGroup, suffix: string, description: string) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${suffix}-from-lambdas`,
        { securityGroupId: group.id, referencedSecurityGroupId: this.lambdaSecurityGroup.id, description, ...https },
        { parent: this },
      );

    egress("search", "HTTPS to the search domain", { referencedSecurityGroupId: this.searchSecurityGroup.id });
    egress("endpoints", "HTTPS to the interface endpoints (SQS, Personalize runtime)", {
      referencedSecurityGroupId: this.endpointSecurityGroup.id,
    });
    egress("dynamodb", "HTTPS to DynamoDB through the gateway endpoint", {
      prefixListId: this.dynamoDbEndpoint.prefixListId,
    });
    ingress(this.searchSecurityGroup, "search", "HTTPS from the order-path Lambdas");
    ingress(this.endpointSecurityGroup, "endpoints", "HTTPS from the order-path Lambdas");

    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
  }
}
