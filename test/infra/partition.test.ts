// No hard-coded `arn:aws:` partition: ARNs are built from the caller's partition (aws.getPartition
// through callerContext) or from another ARN, so the program deploys the same to aws-cn and
// aws-us-gov. Checked in the source and in what the whole program registers when the mocked
// account lives in another partition.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../components/lib/bundle";
import { sharedProgramRun } from "../../testing/program";

/** Literal partitions and the aws.iam.ManagedPolicy constants (they embed arn:aws:). */
const hardCodedPartition = /arn:aws:|aws\.iam\.ManagedPolicy\./;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every string in `value` (Lambda code archives left out: bundled libraries are not ours). */
function strings(value: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === "string") out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${at}[${i}]`, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value))
      if (!(at === "" && k === "code")) strings(v, at ? `${at}.${k}` : k, out);
  }
  return out;
}

describe("partition", () => {
  it("no component, nor index.ts, writes the aws partition into an ARN", () => {
    const offending = [path.join(repoRoot, "index.ts"), ...sourceFiles(path.join(repoRoot, "components"))].flatMap(
      (file) =>
        fs
          .readFileSync(file, "utf8")
          .split("\n")
          .map((line, i) => [`${path.relative(repoRoot, file)}:${i + 1}`, line] as const)
          .filter(([, line]) => hardCodedPartition.test(line))
          .map(([where, line]) => `${where}: ${line.trim()}`),
    );
    assert.deepEqual(offending, []);
  });

  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: in the aws-cn partition, no resource input names an arn:aws: ARN`, async () => {
      const run = await sharedProgramRun(stack, {
        partition: "aws-cn",
        config: { "ecommerce:personalizeMode": "create" },
      });
      const offending = run.resources.flatMap((r) =>
        strings(r.inputs, "")
          .filter(([, s]) => s.includes("arn:aws:"))
          .map(
            ([at, s]) =>
              `${r.type} ${r.name} ${at}: ${s.slice(Math.max(0, s.indexOf("arn:aws:") - 40), s.indexOf("arn:aws:") + 80)}`,
          ),
      );
      assert.deepEqual(offending, []);
      assert.ok(
        run.resources.some((r) => JSON.stringify(r.inputs).includes("arn:aws-cn:")),
        "the partition reached the ARNs",
      );
    });
  }
});
