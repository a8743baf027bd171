// An OpenSearch client whose every request is signed with SigV4 (service "es"): the domain's
// access policy admits only the Lambda roles, and fine-grained access control maps the role.
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";

/** What the signer needs; `expiration` lets it refresh temporary credentials before they lapse. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface SearchClientOptions {
  /** https://<domain endpoint> in AWS; tests pass http://127.0.0.1:<port>. */
  node: string;
  region: string;
  /** The default provider chain in Lambda; static credentials in tests. */
  getCredentials: () => Promise<SigningCredentials>;
  requestTimeoutMs?: number;
}

export function createSearchClient(options: SearchClientOptions): Client {
  return new Client({
    ...AwsSigv4Signer({ region: options.region, service: "es", getCredentials: options.getCredentials }),
    node: options.node,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    // The indexer retries with backoff itself, item by item.
    maxRetries: 0,
  });
}
