// The CrossGuard policy pack: `pulumi preview --policy-pack policy` (from the repository root).
// Rules are in ./policies.ts; the explicit exceptions in ./suppressions.ts become the pack's
// initial config (overridable with --policy-pack-config).
import { PolicyPack } from "@pulumi/policy";
import { packName, policies } from "./policies";
import { suppressionConfig } from "./suppressions";

new PolicyPack(
  packName,
  {
    description:
      "Security and reliability guardrails of the e-commerce platform (cdk-nag AwsSolutions / checkov counterparts).",
    enforcementLevel: "advisory",
    policies,
  },
  suppressionConfig(),
);
