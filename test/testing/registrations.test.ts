// The one resource recorder: what the infra and policy tests read about each registration
// beyond its inputs comes from here, so it must be right and must break loudly.
import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { runComponents } from "../../testing/program";
import { factsOf } from "../../testing/registrations";

class Holder extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:test:Holder", name, {}, opts);
    const queue = new aws.sqs.Queue(
      `${name}-queue`,
      {},
      { parent: this, protect: true, retainOnDelete: true, ignoreChanges: ["tags"] },
    );
    new aws.sqs.QueuePolicy(
      `${name}-policy`,
      { queueUrl: queue.url, policy: "{}" },
      { parent: this, dependsOn: [queue] },
    );
    this.registerOutputs({});
  }
}

describe("testing/registrations: the resource recorder", () => {
  it("records parent, options and property dependencies as the registration requests carry them", async () => {
    const mocks = await runComponents("dev", () => new Holder("h"));
    const holder = mocks.named("ecommerce:test:Holder", "h");
    const queue = mocks.named("aws:sqs/queue:Queue", "h-queue");
    const policy = mocks.named("aws:sqs/queuePolicy:QueuePolicy", "h-policy");
    assert.equal(queue.parent, holder.urn);
    assert.deepEqual(queue.parentTypes.slice(-1), ["ecommerce:test:Holder"]);
    assert.equal(queue.urn, "urn:pulumi:dev::ecommerce::ecommerce:test:Holder$aws:sqs/queue:Queue::h-queue");
    assert.deepEqual([queue.protect, queue.retainOnDelete, queue.ignoreChanges], [true, true, ["tags"]]);
    assert.deepEqual([policy.protect, policy.retainOnDelete, policy.ignoreChanges], [false, false, []]);
    assert.ok(policy.dependsOn.includes(queue.urn), "explicit dependsOn recorded");
    assert.deepEqual(policy.propertyDependencies.queueUrl, [queue.urn]);
    assert.deepEqual(policy.propertyDependencies.policy, []);
  });

  it("names the SDK getter that moved instead of recording nothing", () => {
    const request = {
      getType: () => "t",
      getName: () => "n",
      getParent: () => "",
      getProtect: () => false,
      getRetainondelete: () => false,
      getDependenciesList: () => [],
      getIgnorechangesList: () => [],
    };
    assert.throws(
      () => factsOf(request as never),
      /RegisterResourceRequest\.getPropertydependenciesMap\(\) is gone in @pulumi\/pulumi \d/,
    );
  });
});
