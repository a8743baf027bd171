// Makes sure the `orders` index template and the index exist before the first bulk request of
// a container, so documents never land in an index with guessed (dynamic) mappings. Runs once
// per container; safe when many containers race (an "already exists" answer is success), and
// retried on the next invocation if it failed.
import type { Logger } from "@aws-lambda-powertools/logger";
import {
  describeResponse,
  type OpenSearchClient,
  type OpenSearchErrorBody,
  type OpenSearchResponse,
} from "../lib/opensearch-client";
import {
  ordersIndex,
  ordersIndexMappings,
  ordersIndexTemplate,
  ordersIndexTemplateName,
  ordersIndexTemplateVersion,
} from "../shared/order-index";

type BootstrapLogger = Pick<Logger, "info" | "warn">;

export class IndexBootstrap {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly client: OpenSearchClient,
    private readonly logger: BootstrapLogger,
  ) {}

  /** Resolves once the template and index are in place; concurrent callers share one attempt. */
  ensure(): Promise<void> {
    this.ready ??= this.install().catch((err) => {
      this.ready = undefined;
      throw new Error(`could not prepare the ${ordersIndex} index: ${(err as Error).message ?? String(err)}`);
    });
    return this.ready;
  }

  // Methods as the OpenSearch JavaScript client sends them (and as the IAM grants name them).
  private async install(): Promise<void> {
    const templatePath = `/_index_template/${ordersIndexTemplateName}`;
    const installed = await this.installedTemplateVersion(templatePath);
    if (installed === undefined) {
      await this.ignoreAlreadyExists(() =>
        this.client.request({ method: "POST", path: templatePath, query: { create: true }, body: ordersIndexTemplate }),
      );
      this.logger.info("created index template", {
        template: ordersIndexTemplateName,
        version: ordersIndexTemplateVersion,
      });
    } else if (installed < ordersIndexTemplateVersion) {
      ok(await this.client.request({ method: "POST", path: templatePath, body: ordersIndexTemplate }));
      this.logger.info("upgraded index template", {
        template: ordersIndexTemplateName,
        from: installed,
        to: ordersIndexTemplateVersion,
      });
    } else if (installed > ordersIndexTemplateVersion) {
      // A newer deployment owns the template; never downgrade it.
      this.logger.warn("index template is newer than this code", { installed, ours: ordersIndexTemplateVersion });
    }

    const exists = await this.client.request({ method: "HEAD", path: `/${ordersIndex}` });
    if (exists.statusCode === 404) {
      await this.ignoreAlreadyExists(() => this.client.request({ method: "PUT", path: `/${ordersIndex}` }));
      this.logger.info("created index", { index: ordersIndex });
    } else if (ok(exists) && installed !== undefined && installed < ordersIndexTemplateVersion) {
      // The template only applies to new indices: add new fields to the live one.
      ok(await this.client.request({ method: "POST", path: `/${ordersIndex}/_mapping`, body: ordersIndexMappings }));
    }
  }

  private async installedTemplateVersion(templatePath: string): Promise<number | undefined> {
    const response = await this.client.request<{ index_templates?: Array<{ index_template?: { version?: number } }> }>({
      method: "GET",
      path: templatePath,
    });
    if (response.statusCode === 404) return undefined;
    const templates = ok(response).body.index_templates ?? [];
    return templates[0]?.index_template?.version ?? 0;
  }

  private async ignoreAlreadyExists(create: () => Promise<OpenSearchResponse>): Promise<void> {
    const response = await create();
    if (response.statusCode < 300) return;
    const error = (response.body as OpenSearchErrorBody | undefined)?.error;
    const type = typeof error === "object" ? error : undefined;
    const alreadyExists =
      type?.type === "resource_already_exists_exception" ||
      (type?.type === "illegal_argument_exception" && /already exists/.test(type.reason ?? ""));
    if (!alreadyExists) ok(response);
  }
}

/** The response if it is a success; otherwise an error naming the status and OpenSearch's reason. */
function ok<T extends OpenSearchResponse>(response: T): T {
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  throw new Error(describeResponse(response));
}
