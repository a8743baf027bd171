// The one Pulumi mocks helper. Every resource the program registers is recorded with its
// inputs; each gets the computed outputs AWS would give it (ARNs, names, URLs, ids), except
// in preview mode, where computed outputs stay unknown as they do in `pulumi preview`.
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { RegistrationFacts, RegistrationSink } from "./registrations";

export const accountId = "123456789012";
export const testRegion = "eu-west-1";

export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  id: string;
  inputs: Record<string, any>;
  /** Provider reference ("urn::id") of custom resources; undefined for components. */
  provider?: string;
  /** URN of its parent; undefined for the stack's direct children. */
  parent?: string;
  /** Type token chain of the parents, from the URN (e.g. "ecommerce:api:Api"). */
  parentTypes: string[];
  /** The `protect` and `retainOnDelete` resource options it was registered with. */
  protect: boolean;
  retainOnDelete: boolean;
  /** URNs of the resources it depends on (`dependsOn` and those its inputs came from). */
  dependsOn: string[];
  /** Input property → URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** Its `ignoreChanges` resource option. */
  ignoreChanges: string[];
  state: Record<string, any>;
}

const shortHash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);
const service = (type: string) => type.split(":")[1]?.split("/")[0] ?? "unknown";

/** What AWS computes for a resource of `type` (only what the program reads). */
function computedOutputs(
  type: string,
  name: string,
  inputs: Record<string, any>,
  region: string,
  partition: string,
): Record<string, any> {
  const id = `${name}-${shortHash(type + name)}`;
  const arn = `arn:${partition}:${service(type)}:${region}:${accountId}:${id}`;
  const base: Record<string, any> = { arn, name: inputs.name ?? id };
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return {
        ...base,
        bucket: id,
        arn: `arn:${partition}:s3:::${id}`,
        bucketDomainName: `${id}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${id}.s3.${region}.amazonaws.com`,
      };
    case "aws:cloudfront/distribution:Distribution":
      return {
        ...base,
        arn: `arn:${partition}:cloudfront::${accountId}:distribution/E${shortHash(name).toUpperCase()}`,
        domainName: `d${shortHash(name)}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
      };
    case "aws:apigateway/restApi:RestApi":
      return {
        ...base,
        executionArn: `arn:${partition}:execute-api:${region}:${accountId}:${shortHash(name)}`,
        rootResourceId: "root",
      };
    case "aws:apigateway/stage:Stage":
      // The stage's URL names its REST API's id, as API Gateway's does.
      return {
        ...base,
        invokeUrl: `https://${inputs.restApi ?? shortHash("api")}.execute-api.${region}.amazonaws.com/${inputs.stageName}`,
      };
    case "aws:sqs/queue:Queue":
      return {
        ...base,
        arn: `arn:${partition}:sqs:${region}:${accountId}:${id}`,
        url: `https://sqs.${region}.amazonaws.com/${accountId}/${id}`,
      };
    case "aws:cloudwatch/logGroup:LogGroup":
      return {
        ...base,
        name: inputs.name ?? `/ecommerce/${id}`,
        arn: `arn:${partition}:logs:${region}:${accountId}:log-group:${inputs.name ?? `/ecommerce/${id}`}`,
      };
    case "aws:lambda/function:Function":
      return {
        ...base,
        arn: `arn:${partition}:lambda:${region}:${accountId}:function:${id}`,
        invokeArn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/arn:${partition}:lambda:${region}:${accountId}:function:${id}/invocations`,
      };
    case "aws:iam/role:Role":
      return { ...base, arn: `arn:${partition}:iam::${accountId}:role/${id}` };
    case "aws:dynamodb/table:Table":
      return {
        ...base,
        arn: `arn:${partition}:dynamodb:${region}:${accountId}:table/${id}`,
        streamArn: inputs.streamEnabled
          ? `arn:${partition}:dynamodb:${region}:${accountId}:table/${id}/stream/2026-01-01T00:00:00.000`
          : undefined,
      };
    case "aws:kinesis/stream:Stream":
      return { ...base, arn: `arn:${partition}:kinesis:${region}:${accountId}:stream/${id}` };
    case "aws:kms/key:Key":
      return {
        ...base,
        keyId: shortHash(name),
        arn: `arn:${partition}:kms:${region}:${accountId}:key/${shortHash(name)}`,
      };
    case "aws:cognito/userPool:UserPool":
      return {
        ...base,
        arn: `arn:${partition}:cognito-idp:${region}:${accountId}:userpool/${region}_${shortHash(name)}`,
        endpoint: `cognito-idp.${region}.amazonaws.com/${region}_${shortHash(name)}`,
      };
    case "aws:opensearch/domain:Domain":
      return {
        ...base,
        arn: `arn:${partition}:es:${region}:${accountId}:domain/${id}`,
        endpoint: `vpc-${id}.${region}.es.amazonaws.com`,
        domainName: inputs.domainName ?? id,
      };
    case "aws:sns/topic:Topic":
      return { ...base, arn: `arn:${partition}:sns:${region}:${accountId}:${id}` };
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      return { ...base, arn: `arn:${partition}:firehose:${region}:${accountId}:deliverystream/${id}` };
    case "aws:cloudwatch/logStream:LogStream": {
      const group = inputs.logGroupName ?? "unknown-group";
      return {
        ...base,
        name: inputs.name ?? id,
        arn: `arn:${partition}:logs:${region}:${accountId}:log-group:${group}:log-stream:${inputs.name ?? id}`,
      };
    }
    case "aws-native:personalize:DatasetGroup":
      return { ...base, datasetGroupArn: `arn:${partition}:personalize:${region}:${accountId}:dataset-group/${id}` };
    case "aws-native:personalize:Schema":
      return { ...base, schemaArn: `arn:${partition}:personalize:${region}:${accountId}:schema/${id}` };
    case "aws-native:personalize:Dataset":
      return { ...base, datasetArn: `arn:${partition}:personalize:${region}:${accountId}:dataset/${id}` };
    case "aws-native:personalize:EventTracker":
      return {
        ...base,
        eventTrackerArn: `arn:${partition}:personalize:${region}:${accountId}:event-tracker/${id}`,
        trackingId: `tracking-${shortHash(name)}`,
      };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      // Alarms may live in another region than the provider's (CloudFront's, in us-east-1).
      return { ...base, arn: `arn:${partition}:cloudwatch:${inputs.region ?? region}:${accountId}:alarm:${id}` };
    case "aws:cloudwatch/dashboard:Dashboard":
      return { ...base, dashboardArn: `arn:${partition}:cloudwatch::${accountId}:dashboard/${inputs.dashboardName}` };
    case "awsx:ec2:Vpc": {
      // One private subnet and route table per AZ (resource references arrive as objects with an id).
      const zones = ["a", "b", "c"].slice(0, inputs.numberOfAvailabilityZones ?? 3);
      return {
        vpcId: `vpc-${shortHash(name)}`,
        privateSubnetIds: zones.map((z) => `subnet-private-${z}`),
        publicSubnetIds: [],
        isolatedSubnetIds: [],
        routeTables: zones.map((z) => ({ id: `rtb-private-${z}` })),
        vpc: { id: `vpc-${shortHash(name)}`, cidrBlock: inputs.cidrBlock },
      };
    }
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return {
        ...base,
        arn: `arn:${partition}:ec2:${region}:${accountId}:vpc-endpoint/vpce-${shortHash(name)}`,
        prefixListId: inputs.vpcEndpointType === "Gateway" ? `pl-${shortHash(name)}` : undefined,
      };
    default:
      return base;
  }
}

function render(statements: any[] | undefined): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: (statements ?? []).map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? "Allow",
      Action: s.actions,
      Resource: s.resources,
      Principal: s.principals?.map((p: any) => ({ [p.type]: p.identifiers })),
      Condition: s.conditions,
    })),
  });
}

export class RecordingMocks implements pulumi.runtime.Mocks, RegistrationSink {
  readonly resources: RegisteredResource[] = [];
  /** Facts of registrations whose newResource call is next, by type and name (testing/registrations.ts). */
  private readonly pending = new Map<string, RegistrationFacts[]>();
  /** `partition`: what getPartition answers and every computed ARN carries (aws, aws-cn, aws-us-gov). */
  constructor(
    private readonly preview: boolean,
    private readonly region = testRegion,
    private readonly project = "ecommerce",
    private readonly stack = "dev",
    private readonly partition = "aws",
  ) {}

  nextRegistration(type: string, name: string, facts: RegistrationFacts): void {
    const key = `${type}\u0000${name}`;
    this.pending.set(key, [...(this.pending.get(key) ?? []), facts]);
  }

  private takeFacts(type: string, name: string): RegistrationFacts {
    const key = `${type}\u0000${name}`;
    const facts = this.pending.get(key)?.shift();
    if (!facts) {
      // Reached when the registration hook did not run: a Pulumi release changed how the mock
      // monitor calls newResource, or a resource was read (`.get`), which this program never does.
      throw new Error(
        `RecordingMocks: no registration facts for ${type} ${name}; is testing/registrations.ts still wrapping the mock monitor?`,
      );
    }
    return facts;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
    const { parent: parentUrn, ...options } = this.takeFacts(args.type, args.name);
    const computed = computedOutputs(args.type, args.name, args.inputs, this.region, this.partition);
    // A REST API's id is a host name label (its endpoint is https://<id>.execute-api...), as AWS's are.
    const id =
      args.type === "awsx:ec2:Vpc"
        ? computed.vpcId
        : args.type === "aws:apigateway/restApi:RestApi"
          ? `${shortHash(args.name)}ab`
          : `${args.name}-id`;
    const state = this.preview ? { ...args.inputs } : { ...computed, ...args.inputs };
    const parent = parentUrn === undefined ? undefined : this.resources.find((r) => r.urn === parentUrn);
    if (parentUrn !== undefined && !parent)
      throw new Error(
        `RecordingMocks: ${args.type} ${args.name} names parent ${parentUrn}, which was never registered`,
      );
    const parentTypes = parent ? [...parent.parentTypes, parent.type] : [];
    const qualifiedType = parent ? `${parent.type}$${args.type}` : args.type;
    this.resources.push({
      type: args.type,
      name: args.name,
      urn: `urn:pulumi:${this.stack}::${this.project}::${qualifiedType}::${args.name}`,
      id,
      inputs: args.inputs,
      provider: args.provider,
      parent: parentUrn,
      parentTypes,
      ...options,
      state,
    });
    return { id: this.preview ? undefined : id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId, arn: `arn:${this.partition}:iam::${accountId}:user/ci`, userId: "AIDATEST" };
      case "aws:index/getPartition:getPartition":
        return { partition: this.partition, dnsSuffix: "amazonaws.com" };
      case "aws:index/getRegion:getRegion":
        return { region: this.region, name: this.region };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
          names: [`${this.region}a`, `${this.region}b`, `${this.region}c`],
          zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
        };
      case "aws:iam/getPolicyDocument:getPolicyDocument":
        return { json: render(args.inputs.statements) };
      default:
        return args.inputs;
    }
  }

  ofType(type: string): RegisteredResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  named(type: string, name: string): RegisteredResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found)
      throw new Error(
        `No ${type} named ${name}; have: ${this.ofType(type)
          .map((r) => r.name)
          .join(", ")}`,
      );
    return found;
  }
}
