// SearchAccess, the orders domain's deploy-time step: a VPC Lambda whose role is the domain's
// fine-grained-access master user, run once per deployment (aws.lambda.Invocation) to create
// the orders_indexer / orders_reader roles and map the Lambda roles to them. Its resources
// stay children of the Orders component (their URNs do not change with this file).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { searchAccessContract } from "../handlers/search-access/contract";
import { environmentFor } from "./lib/environment";
import { BundledFunction } from "./lib/function";
import { policyDocument, searchHttpStatements, type SearchRequests } from "./lib/iam";

export const searchAccessHandlerEntry = "handlers/search-access/index.ts";

export interface SearchAccessFunctionArgs {
  logRetentionDays: number;
  vpc: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };
}

/** The function: its role exists before the domain, which names it as master user. */
export function createSearchAccessFunction(
  name: string,
  args: SearchAccessFunctionArgs,
  parent: pulumi.Resource,
): BundledFunction {
  return new BundledFunction(
    name,
    {
      entry: searchAccessHandlerEntry,
      description:
        "Deploy time: creates the orders_indexer / orders_reader FGAC roles and maps the Lambda roles to them",
      memoryMb: 256,
      timeoutSeconds: 60,
      logRetentionDays: args.logRetentionDays,
      environment: environmentFor(searchAccessContract, {}),
      vpc: args.vpc,
    },
    { parent },
  );
}

export interface SearchAccessRunArgs {
  function: BundledFunction;
  domainArn: pulumi.Input<string>;
  endpoint: pulumi.Input<string>;
  /** Exactly what SearchAccess sends to the domain's security API. */
  requests: SearchRequests;
  indexerRoleArns: pulumi.Input<string>[];
  readerRoleArns: pulumi.Input<string>[];
  /** What must be in place before it runs: the domain's access policy and the whole network. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Its permission to call the security API (added once the domain's ARN is known) and the
 * run itself, repeated whenever the roles or the role definitions (the handler's code) change.
 */
export function runSearchAccess(
  name: string,
  args: SearchAccessRunArgs,
  parent: pulumi.Resource,
): aws.lambda.Invocation {
  const securityApiPermission = new aws.iam.RolePolicy(
    `${name}-security-api`,
    {
      role: args.function.role.id,
      policy: policyDocument(searchHttpStatements("WriteSearchSecurityConfig", args.domainArn, args.requests)),
    },
    { parent },
  );
  return new aws.lambda.Invocation(
    `${name}-run`,
    {
      functionName: args.function.name,
      input: pulumi.jsonStringify({
        endpoint: args.endpoint,
        indexerRoleArns: args.indexerRoleArns,
        readerRoleArns: args.readerRoleArns,
      }),
      triggers: { code: args.function.codeHash },
    },
    { parent, dependsOn: [...args.dependsOn, securityApiPermission, args.function] },
  );
}
