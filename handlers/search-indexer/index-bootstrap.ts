// Makes sure the `orders` index template and the index exist before the first bulk request of
// a container, so documents never land in an index with guessed (dynamic) mappings. Runs once
// per container; safe when many containers race (an "already exists" answer is success), and
// retried on the next invocation if it failed.
import type { Client } from "@opensearch-project/opensearch";
import type { Logger } from "@aws-lambda-powertools/logger";
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

  constructor(private readonly client: Client, private readonly logger: BootstrapLogger) {}

  /** Resolves once the template and index are in place; concurrent callers share one attempt. */
  ensure(): Promise<void> {
    this.ready ??= this.install().catch((err) => {
      this.ready = undefined;
      throw new Error(`could not prepare the ${ordersIndex} index: ${describe(err)}`);
    });
    return this.ready;
  }

  private async install(): Promise<void> {
    const installed = await this.installedTemplateVersion();
    if (installed === undefined) {
      await this.ignoreAlreadyExists(() =>
        this.client.indices.putIndexTemplate({ name: ordersIndexTemplateName, create: true, body: ordersIndexTemplate as never }),
      );
      this.logger.info("created index template", { template: ordersIndexTemplateName, version: ordersIndexTemplateVersion });
    } else if (installed < ordersIndexTemplateVersion) {
      await this.client.indices.putIndexTemplate({ name: ordersIndexTemplateName, body: ordersIndexTemplate as never });
      this.logger.info("upgraded index template", { template: ordersIndexTemplateName, from: installed, to: ordersIndexTemplateVersion });
    } else if (installed > ordersIndexTemplateVersion) {
      // A newer deployment owns the template; never downgrade it.
      this.logger.warn("index template is newer than this code", { installed, ours: ordersIndexTemplateVersion });
    }

    const exists = await this.client.indices.exists({ index: ordersIndex });
    if (exists.statusCode === 404) {
      await this.ignoreAlreadyExists(() => this.client.indices.create({ index: ordersIndex }));
      this.logger.info("created index", { index: ordersIndex });
    } else if (installed !== undefined && installed < ordersIndexTemplateVersion) {
      // The template only applies to new indices: add new fields to the live one.
      await this.client.indices.putMapping({ index: ordersIndex, body: ordersIndexMappings as never });
    }
  }

  private async installedTemplateVersion(): Promise<number | undefined> {
    const response = await this.client.indices.getIndexTemplate({ name: ordersIndexTemplateName }, { ignore: [404] });
    if (response.statusCode === 404) return undefined;
    const templates = (response.body as { index_templates?: Array<{ index_template?: { version?: number } }> }).index_templates ?? [];
    return templates[0]?.index_template?.version ?? 0;
  }

  private async ignoreAlreadyExists(create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
    } catch (err) {
      const type = (err as { meta?: { body?: { error?: { type?: string; reason?: string } } } }).meta?.body?.error;
      const alreadyExists =
        type?.type === "resource_already_exists_exception" ||
        (type?.type === "illegal_argument_exception" && /already exists/.test(type.reason ?? ""));
      if (!alreadyExists) throw err;
    }
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string }; message?: string } } };
  const status = e.meta?.statusCode;
  if (status === undefined) return e.message ?? String(err);
  const body = e.meta?.body;
  const detail = body?.error ? `${body.error.type}: ${body.error.reason}` : (body?.message ?? e.message);
  return `HTTP ${status} ${detail}`;
}
