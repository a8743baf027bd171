// Fine-grained access control of the search domain: which OpenSearch security roles exist and
// which IAM roles are mapped to them. Run at deploy time by the domain's IAM master role (the
// only principal allowed to change the security configuration), so the application Lambdas
// never hold security_manager rights.
import * as z from "../lib/zod";
import { ordersIndex, ordersIndexTemplateName } from "../shared/order-index";

/** An OpenSearch security role: cluster-wide actions and per-index actions. */
export interface SecurityRole {
  description: string;
  cluster_permissions: string[];
  index_permissions: { index_patterns: string[]; allowed_actions: string[] }[];
}

/** Reads and writes the `orders` index and maintains its index template (the SearchIndexer). */
export const indexerRoleName = "orders_indexer";
/** Searches and reads the `orders` index (the OrderProcessing API). */
export const readerRoleName = "orders_reader";

export const securityRoles: Record<string, SecurityRole> = {
  [indexerRoleName]: {
    description: `SearchIndexer: _bulk into ${ordersIndex}, keeps the ${ordersIndexTemplateName} index template and the index`,
    // _bulk is a cluster-level action; index templates are cluster-level objects.
    cluster_permissions: ["cluster_composite_ops", "cluster_manage_index_templates"],
    index_permissions: [{ index_patterns: [ordersIndex], allowed_actions: ["crud", "create_index", "manage"] }],
  },
  [readerRoleName]: {
    description: `OrderProcessing API: searches ${ordersIndex}`,
    cluster_permissions: ["cluster_composite_ops_ro"],
    index_permissions: [{ index_patterns: [ordersIndex], allowed_actions: ["read"] }],
  },
};

const roleArn = z
  .string()
  .check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, { error: "expected an IAM role ARN" }));

/** What the deployment passes in (the aws.lambda.Invocation input). */
export const accessRequestSchema = z.strictObject({
  /** https://<domain endpoint>: only an OpenSearch Service endpoint is accepted. */
  endpoint: z.url({
    protocol: /^https$/,
    hostname: /^[a-z0-9-]+\.[a-z0-9-]+\.es\.amazonaws\.com(\.cn)?$/,
    error: "endpoint must be https://<domain>.<region>.es.amazonaws.com",
  }),
  indexerRoleArns: z.array(roleArn).check(z.minLength(1)),
  readerRoleArns: z.array(roleArn).check(z.minLength(1)),
});
export type AccessRequest = z.infer<typeof accessRequestSchema>;

/** The one thing this needs from an OpenSearch client: a signed PUT with a JSON body. */
export interface SecurityApi {
  put(path: string, body: object): Promise<{ statusCode: number; body: unknown }>;
}

export interface AppliedChange {
  path: string;
  statusCode: number;
}

const securityApi = "/_plugins/_security/api";

/**
 * Creates or replaces each role, then maps the IAM roles to them (backend role = role ARN).
 * Every PUT replaces the whole object, so running it again converges to the same state; a
 * role mapping is only written after its role exists. Any refusal throws with the answer.
 */
export async function applySearchAccess(api: SecurityApi, request: AccessRequest): Promise<AppliedChange[]> {
  const mappings: Record<string, string[]> = {
    [indexerRoleName]: request.indexerRoleArns,
    [readerRoleName]: request.readerRoleArns,
  };
  const applied: AppliedChange[] = [];
  const put = async (path: string, body: object) => {
    const response = await api.put(path, body);
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw new Error(`PUT ${path} answered ${response.statusCode}: ${JSON.stringify(response.body)}`);
    }
    applied.push({ path, statusCode: response.statusCode });
  };
  for (const [name, role] of Object.entries(securityRoles)) {
    await put(`${securityApi}/roles/${name}`, role);
  }
  for (const [name, backendRoles] of Object.entries(mappings)) {
    await put(`${securityApi}/rolesmapping/${name}`, {
      backend_roles: [...new Set(backendRoles)].sort(),
      users: [],
      hosts: [],
    });
  }
  return applied;
}
