// testing/program.ts runs the program (or components) under mocks without capturing stack
// traces (Pulumi captures one for every promise): the tests around a run keep theirs.
import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import { runComponents } from "../../testing/program";

describe("testing/program: stack traces around a mocked run", () => {
  const limit = Error.stackTraceLimit;
  const stackTraces = process.env.TEST_STACK_TRACES;
  afterEach(() => {
    Error.stackTraceLimit = limit;
    if (stackTraces === undefined) delete process.env.TEST_STACK_TRACES;
    else process.env.TEST_STACK_TRACES = stackTraces;
  });

  it("captures none during the run, and gives the limit back after it", async () => {
    delete process.env.TEST_STACK_TRACES;
    let during: number | undefined;
    const mocks = await runComponents("dev", () => {
      during = Error.stackTraceLimit;
      new aws.sqs.Queue("q");
    });
    assert.equal(during, 0);
    assert.equal(Error.stackTraceLimit, limit);
    assert.equal(mocks.ofType("aws:sqs/queue:Queue").length, 1);
    assert.match(new Error("after").stack ?? "", /\n\s+at /, "an error after the run has its stack");
  });

  it("gives the limit back when the run fails, and the failure keeps its message", async () => {
    delete process.env.TEST_STACK_TRACES;
    await assert.rejects(
      runComponents("dev", () => {
        throw new Error("the component refused its config");
      }),
      /the component refused its config/,
    );
    assert.equal(Error.stackTraceLimit, limit);
  });

  it("keeps stack traces during the run with TEST_STACK_TRACES=1", async () => {
    process.env.TEST_STACK_TRACES = "1";
    let during: number | undefined;
    await runComponents("dev", () => {
      during = Error.stackTraceLimit;
    });
    assert.equal(during, limit);
  });
});
