// The AWS call recorder must fail the run on a call the committed list lacks, also when mocha
// runs files in parallel workers (each worker reports; the main process checks at the end).
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../../components/lib/bundle";
import { checkReports, readRecordedCalls } from "../../testing/aws-calls";

const fixture = (name: string) => path.join("test", "testing", "fixtures", name);

function mocha(args: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      require.resolve("mocha/bin/mocha.js"),
      "--no-config",
      "-r",
      "./testing/typescript-loader.cjs",
      "-r",
      "test/setup.ts",
      ...args,
    ],
    {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, AWS_CALLS_UPDATE: "", AWS_CALLS_REPORTS_DIR: "" },
    },
  );
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe("testing/aws-calls: the recorder's check", () => {
  const unlisted =
    "orders-api made dynamodb:GetItem table/${ORDERS_TABLE} in test/testing/fixtures/unlisted-call.fixture.ts, which testing/recorded-aws-calls.json lacks";

  it("merges the reports of several workers: a call any of them made that the list lacks is a problem", () => {
    const ran = { "test/x.test.ts": { "orders-api": ["dynamodb:GetItem table/${ORDERS_TABLE}"] } } as const;
    const problems = checkReports(
      [
        { ran: {}, complete: ["test/y.test.ts"] },
        { ran: structuredClone(ran) as never, complete: ["test/x.test.ts"] },
      ],
      false,
    );
    assert.deepEqual(problems, [
      "orders-api made dynamodb:GetItem table/${ORDERS_TABLE} in test/x.test.ts, which testing/recorded-aws-calls.json lacks",
    ]);
    const listed = readRecordedCalls();
    const [file] = Object.keys(listed);
    assert.deepEqual(
      checkReports([{ ran: { [file]: listed[file] }, complete: [file] }], false),
      [],
      "a file making exactly its listed calls",
    );
  });

  for (const mode of ["serial", "parallel"] as const) {
    it(`${mode}: an unlisted call fails the run with the call named, though every test passed`, () => {
      const parallel = mode === "parallel" ? ["--parallel", "--jobs", "2"] : [];
      const { status, output } = mocha([
        ...parallel,
        fixture("no-calls.fixture.ts"),
        fixture("unlisted-call.fixture.ts"),
      ]);
      assert.match(output, /2 passing/);
      assert.notEqual(status, 0, output);
      assert.ok(output.includes(unlisted), output);
    });
  }
});
