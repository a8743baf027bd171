// Amazon Personalize for the clickstream, by config: `disabled` (no tracker, no permission),
// `existing` (a tracking id from config), or `create` (dataset group, interactions schema and
// dataset, and the event tracker, through @pulumi/aws-native, which has all four).
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import type { PolicyStatement } from "./lib/iam";
import { statefulOptions } from "./lib/stateful";

export type PersonalizeConfig = Pick<
  PlatformConfig,
  "personalizeMode" | "personalizeTrackingId" | "protectData" | "region" | "awsProfile" | "tags"
>;

/**
 * The Interactions schema (Avro) the processor's PutEvents calls fill: USER_ID (absent for
 * anonymous sessions; Personalize then keys on the session), ITEM_ID, TIMESTAMP (the event's
 * `sentAt`, epoch seconds) and EVENT_TYPE are the fields an interactions dataset needs.
 */
export const interactionsSchema = {
  type: "record",
  name: "Interactions",
  namespace: "com.amazonaws.personalize.schema",
  fields: [
    { name: "USER_ID", type: "string" },
    { name: "ITEM_ID", type: "string" },
    { name: "TIMESTAMP", type: "long" },
    { name: "EVENT_TYPE", type: "string" },
  ],
  version: "1.0",
};

/**
 * The permission to record events. PutEvents is authorised against "*": its request carries a
 * tracking id, not an ARN, and the PutEvents API reference says a Lambda caller needs
 * `personalize:PutEvents` on the wildcard resource. Nothing narrower works, so this is the
 * narrowest grant there is; it is given only when Personalize is enabled.
 */
export const putEventsStatement: PolicyStatement = {
  Sid: "RecordPersonalizeEvents",
  Action: "personalize:PutEvents",
  Resource: "*",
};

/**
 * What a dataset group created by the stack consists of. The dataset group, schema and dataset
 * take tags only when they are created (replaceOnChanges `tags[*]`): under a provider with
 * default tags, changing one stack tag would replace them and lose the recorded interactions.
 * So they come from a provider without default tags, carry the stack's tags as of their
 * creation, and ignore later tag changes; the event tracker updates its tags in place.
 */
export class PersonalizeDatasetGroup extends pulumi.ComponentResource {
  public readonly datasetGroup: awsNative.personalize.DatasetGroup;
  public readonly schema: awsNative.personalize.Schema;
  public readonly dataset: awsNative.personalize.Dataset;
  public readonly eventTracker: awsNative.personalize.EventTracker;
  public readonly trackingId: pulumi.Output<string>;

  constructor(
    name: string,
    args: { protectData: boolean; region: string; awsProfile?: string; tags: Record<string, string> },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("ecommerce:ingestion:PersonalizeDatasetGroup", name, {}, opts);
    const provider = new awsNative.Provider(
      `${name}-without-default-tags`,
      { region: args.region as awsNative.Region, profile: args.awsProfile },
      { parent: this },
    );
    const tags = Object.entries(args.tags).map(([key, value]) => ({ key, value }));
    // Recorded interactions are the training data: keep them when the stack is protected.
    const dataOpts = { parent: this, provider, ...statefulOptions(args, "companion"), ignoreChanges: ["tags"] };
    this.datasetGroup = new awsNative.personalize.DatasetGroup(`${name}-group`, { tags }, dataOpts);
    this.schema = new awsNative.personalize.Schema(
      `${name}-interactions-schema`,
      { schema: JSON.stringify(interactionsSchema), tags },
      dataOpts,
    );
    this.dataset = new awsNative.personalize.Dataset(
      `${name}-interactions`,
      {
        datasetGroupArn: this.datasetGroup.datasetGroupArn,
        datasetType: awsNative.types.enums.personalize.DatasetType.Interactions,
        schemaArn: this.schema.schemaArn,
        tags,
      },
      dataOpts,
    );
    // The tracker records into the group's Interactions dataset, so it comes after it.
    this.eventTracker = new awsNative.personalize.EventTracker(
      `${name}-tracker`,
      {
        datasetGroupArn: this.datasetGroup.datasetGroupArn,
        tags,
      },
      { parent: this, provider, dependsOn: [this.dataset] },
    );
    this.trackingId = this.eventTracker.trackingId;
    this.registerOutputs({ datasetGroupArn: this.datasetGroup.datasetGroupArn, trackingId: this.trackingId });
  }
}

/** Personalize as the processor sees it: a tracking id (or none) and the grant that goes with it. */
export interface PersonalizeWiring {
  trackingId?: pulumi.Output<string>;
  statements: PolicyStatement[];
  datasetGroup?: PersonalizeDatasetGroup;
}

export function personalizeWiring(name: string, config: PersonalizeConfig, parent: pulumi.Resource): PersonalizeWiring {
  switch (config.personalizeMode) {
    case "disabled":
      return { statements: [] };
    case "existing":
      return { trackingId: pulumi.output(config.personalizeTrackingId), statements: [putEventsStatement] };
    case "create": {
      const datasetGroup = new PersonalizeDatasetGroup(
        name,
        { protectData: config.protectData, region: config.region, awsProfile: config.awsProfile, tags: config.tags },
        { parent },
      );
      return { trackingId: datasetGroup.trackingId, statements: [putEventsStatement], datasetGroup };
    }
  }
}
