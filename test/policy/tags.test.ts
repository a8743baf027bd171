// The tag rule beyond its case pair: the provider's default tags, aws-native's tag lists, and
// the limits AWS documents (key 128, value 256, reserved aws: prefix).
import * as assert from "node:assert/strict";
import { tagProblem } from "../../components/lib/aws-tags";
import { analyze, type AnalyzerResource } from "../../policy/evaluate";
import { policyNamed, r, reported, stack } from "./harness";

async function tagFindings(resources: AnalyzerResource[]) {
  return reported(await analyze(resources, { policies: [policyNamed("tags-valid")] })).map((f) => f.message);
}

describe("tags-valid", () => {
  it("judges the provider's default tags, on the provider and on every resource it creates", async () => {
    const resources = stack("dev", [r("aws:sqs/queue:Queue", "dlq", { tags: { purpose: "ok" } })]);
    const provider = resources[0];
    provider.inputs = { ...provider.inputs, defaultTags: JSON.stringify({ tags: { owner: "Platform (EU)" } }) };
    const found = await tagFindings(resources);
    assert.equal(found.length, 2);
    assert.match(found[0], /^Tag owner="Platform \(EU\)": the value may hold only/);
    assert.match(found[1], /^Default tag of provider aws: owner="Platform \(EU\)"/);
  });

  it("reads aws-native tag lists ({ key, value })", async () => {
    const found = await tagFindings(
      stack("dev", [r("aws-native:personalize:DatasetGroup", "group", { tags: [{ key: "purpose", value: "a;b" }] })]),
    );
    assert.deepEqual(
      found.map((m) => m.split(":")[0]),
      ['Tag purpose="a;b"'],
    );
  });

  it("follows AWS's limits: letters of any script and spaces pass, lengths and the aws: prefix do not", () => {
    assert.equal(tagProblem("équipe", "Zürich Lager 7"), undefined);
    assert.equal(tagProblem("k".repeat(128), "v".repeat(256)), undefined);
    assert.equal(tagProblem("k", ""), undefined);
    assert.match(tagProblem("k".repeat(129), "v")!, /key must be 1-128/);
    assert.match(tagProblem("", "v")!, /key must be 1-128/);
    assert.match(tagProblem("k", "v".repeat(257))!, /at most 256/);
    assert.match(tagProblem("AWS:team", "v")!, /reserved/);
    for (const bad of ["a,b", "a;b", "(x)", "a#b", "a*b", '"q"']) assert.ok(tagProblem("k", bad), bad);
  });
});
