// Tags: slugs pass; prose (parentheses) is what SQS refused on the clickstream dead-letter queue.
import { r } from "../harness";
import type { RuleCases } from "./types";

const queue = (tags: Record<string, string>) => [r("aws:sqs/queue:Queue", "dlq", { sqsManagedSseEnabled: true, tags })];

export const tagCases: RuleCases = {
  "tags-valid": {
    compliant: queue({
      purpose: "clickstream-processor-failures",
      "cost-center": "ecommerce",
      path: "team/a.b:c=d+e@f",
    }),
    violating: queue({ purpose: "Clickstream batches the processor gave up on (retries or record age exhausted)" }),
    expect:
      /Tag purpose="Clickstream batches .*": the value may hold only letters, digits, spaces and _ \. : \/ = \+ - @/,
  },
};
