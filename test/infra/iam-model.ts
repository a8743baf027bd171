// The program's IAM as AWS would evaluate it, read from a whole-program run under mocks: each
// role with its identity policies (inline and managed), and for a resource the policy AWS also
// consults (KMS key policy, bucket, queue and domain policies) and the VPC endpoint a call from
// a VPC function passes through. IamRequest is one call as the simulator evaluates it.
import type { RegisteredResource } from "../../testing/program";
import { managedPolicyDocuments, managedPolicyKey } from "./iam-managed-policies";

export interface IamRequest {
  /** The role's logical name (the Pulumi resource name), for messages. */
  role: string;
  roleArn: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  resourcePolicy?: object;
  vpcEndpointPolicies?: { name: string; policy: object }[];
  /** Where the call comes from (a recorded handler call, or the service's documented calls). */
  why: string;
}

export interface RoleModel {
  name: string;
  arn: string;
  resource: RegisteredResource;
  identityPolicies: { name: string; policy: object }[];
}

export interface FunctionModel {
  name: string;
  arn: string;
  role: RoleModel;
  environment: Record<string, string>;
  inVpc: boolean;
  resource: RegisteredResource;
}

const parse = (policy: unknown): object => (typeof policy === "string" ? JSON.parse(policy) : (policy as object));

export class ProgramIam {
  readonly partition: string;
  readonly roles: RoleModel[];
  readonly functions: FunctionModel[];

  constructor(
    readonly resources: RegisteredResource[],
    readonly region: string,
    readonly accountId: string,
  ) {
    this.partition = this.ofType("aws:iam/role:Role")[0]?.state.arn.split(":")[1] ?? "aws";
    this.roles = this.ofType("aws:iam/role:Role").map((role) => ({
      name: role.name,
      arn: role.state.arn,
      resource: role,
      identityPolicies: this.identityPoliciesOf(role),
    }));
    this.functions = this.ofType("aws:lambda/function:Function").map((fn) => ({
      name: fn.name,
      arn: fn.state.arn,
      role: this.roleByArn(fn.inputs.role),
      environment: fn.inputs.environment?.variables ?? {},
      inVpc: Boolean(fn.inputs.vpcConfig?.subnetIds?.length),
      resource: fn,
    }));
  }

  ofType(type: string): RegisteredResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  find(type: string, match: (r: RegisteredResource) => boolean, what: string): RegisteredResource {
    const found = this.ofType(type).filter(match);
    if (found.length !== 1) throw new Error(`expected one ${type} for ${what}, found ${found.length}`);
    return found[0];
  }

  roleByArn(arn: string): RoleModel {
    const role = this.roles.find((r) => r.arn === arn);
    if (!role) throw new Error(`no role with ARN ${arn} in the program`);
    return role;
  }

  /** Inline policies (RolePolicy, inlinePolicies) and managed ones (from their published copies). */
  private identityPoliciesOf(role: RegisteredResource): { name: string; policy: object }[] {
    const refersToRole = (value: unknown) => value === role.id || value === role.state.name;
    const inline = this.ofType("aws:iam/rolePolicy:RolePolicy")
      .filter((p) => refersToRole(p.inputs.role))
      .map((p) => ({ name: p.name, policy: parse(p.inputs.policy) }));
    const embedded = (role.inputs.inlinePolicies ?? []).map((p: { name?: string; policy: string }, i: number) => ({
      name: p.name ?? `${role.name}-inline-${i}`,
      policy: parse(p.policy),
    }));
    const managedArns: string[] = [
      ...this.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => refersToRole(a.inputs.role))
        .map((a) => a.inputs.policyArn),
      ...(role.inputs.managedPolicyArns ?? []),
    ];
    const managed = managedArns.map((arn) => {
      const policy = managedPolicyDocuments[managedPolicyKey(arn)];
      if (!policy)
        throw new Error(
          `role ${role.name} attaches ${arn}, which test/infra/iam-managed-policies.ts has no copy of: copy it there or grant inline`,
        );
      return { name: arn, policy };
    });
    return [...inline, ...embedded, ...managed];
  }

  /** The context keys every call made with a role's credentials carries. */
  baseContext(role: RoleModel): Record<string, string> {
    return {
      "aws:SecureTransport": "true",
      "aws:PrincipalArn": role.arn,
      "aws:PrincipalAccount": this.accountId,
      "aws:RequestedRegion": this.region,
    };
  }

  // ---- resources by the names handlers see ----

  tableArn(name: string): string {
    return this.find("aws:dynamodb/table:Table", (t) => t.state.name === name, `table ${name}`).state.arn;
  }

  bucket(name: string): RegisteredResource {
    return this.find("aws:s3/bucket:Bucket", (b) => b.state.bucket === name || b.state.name === name, `bucket ${name}`);
  }

  bucketByArn(arn: string): RegisteredResource {
    return this.find("aws:s3/bucket:Bucket", (b) => b.state.arn === arn, `bucket ${arn}`);
  }

  /** The bucket's default SSE-KMS key and whether S3 Bucket Keys are on; undefined for SSE-S3. */
  bucketKms(bucket: RegisteredResource): { keyArn: string; bucketKey: boolean } | undefined {
    const config = this.ofType(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).find((c) => c.inputs.bucket === bucket.id);
    const rule = config?.inputs.rules?.[0];
    const keyArn = rule?.applyServerSideEncryptionByDefault?.kmsMasterKeyId;
    return keyArn ? { keyArn: this.keyArn(keyArn), bucketKey: Boolean(rule.bucketKeyEnabled) } : undefined;
  }

  bucketPolicy(bucket: RegisteredResource): object | undefined {
    const policy = this.ofType("aws:s3/bucketPolicy:BucketPolicy").find(
      (p) => p.inputs.bucket === bucket.id || p.inputs.bucket === bucket.state.bucket,
    );
    return policy ? parse(policy.inputs.policy) : undefined;
  }

  queueByUrl(url: string): RegisteredResource {
    return this.find("aws:sqs/queue:Queue", (q) => q.state.url === url, `queue ${url}`);
  }

  queueByArn(arn: string): RegisteredResource {
    return this.find("aws:sqs/queue:Queue", (q) => q.state.arn === arn, `queue ${arn}`);
  }

  queuePolicy(queue: RegisteredResource): object | undefined {
    const policy = this.ofType("aws:sqs/queuePolicy:QueuePolicy").find((p) => p.inputs.queueUrl === queue.state.url);
    return policy ? parse(policy.inputs.policy) : undefined;
  }

  /** A KMS key by ARN, id or alias-free reference, as components pass it. */
  keyArn(reference: string): string {
    return this.find(
      "aws:kms/key:Key",
      (k) => k.state.arn === reference || k.state.keyId === reference || k.id === reference,
      `key ${reference}`,
    ).state.arn;
  }

  keyPolicy(keyArn: string): object {
    return parse(this.find("aws:kms/key:Key", (k) => k.state.arn === keyArn, `key ${keyArn}`).inputs.policy);
  }

  deliveryStreamByName(name: string): RegisteredResource {
    return this.find(
      "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
      (d) => d.state.name === name,
      `delivery stream ${name}`,
    );
  }

  streamByArn(arn: string): RegisteredResource {
    return this.find("aws:kinesis/stream:Stream", (s) => s.state.arn === arn, `stream ${arn}`);
  }

  streamByName(name: string): RegisteredResource {
    return this.find("aws:kinesis/stream:Stream", (s) => s.state.name === name, `stream ${name}`);
  }

  domainByEndpoint(endpoint: string): RegisteredResource {
    return this.find(
      "aws:opensearch/domain:Domain",
      (d) => `https://${d.state.endpoint}` === endpoint,
      `domain endpoint ${endpoint}`,
    );
  }

  /** The domain's access policy (AWS checks it with the caller's identity policies). */
  domainPolicy(domain: RegisteredResource): object | undefined {
    const policy = this.ofType("aws:opensearch/domainPolicy:DomainPolicy").find(
      (p) => p.inputs.domainName === domain.state.domainName,
    );
    return policy
      ? parse(policy.inputs.accessPolicies)
      : domain.inputs.accessPolicies
        ? parse(domain.inputs.accessPolicies)
        : undefined;
  }

  logGroupByName(name: string): RegisteredResource {
    return this.find("aws:cloudwatch/logGroup:LogGroup", (g) => g.state.name === name, `log group ${name}`);
  }

  /** The VPC endpoint a VPC function's call to `service` goes through (no NAT: there is no other way out). */
  vpcEndpoint(service: string): RegisteredResource | undefined {
    return this.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find(
      (e) => e.inputs.serviceName === `com.amazonaws.${this.region}.${service}`,
    );
  }

  /** The endpoint policy and context of a call from inside the VPC; throws when no endpoint leads to the service. */
  throughVpc(service: string, fn: FunctionModel): Pick<IamRequest, "vpcEndpointPolicies" | "context"> {
    const endpoint = this.vpcEndpoint(service);
    if (!endpoint)
      throw new Error(
        `${fn.name} runs in the VPC (no NAT) and calls ${service}, but the VPC has no ${service} endpoint`,
      );
    const endpointId = endpoint.state.arn.split("/").pop();
    return {
      vpcEndpointPolicies: endpoint.inputs.policy
        ? [{ name: endpoint.name, policy: parse(endpoint.inputs.policy) }]
        : [],
      context: { "aws:SourceVpce": endpointId, "aws:SourceVpc": endpoint.inputs.vpcId },
    };
  }
}
