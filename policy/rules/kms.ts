// KMS keys: yearly rotation and key policies that name their principals.
import { resourceRule } from "../lib/define";
import { isPublicPrincipal, isScoped, statements } from "../lib/iam";
import { peek } from "../lib/props";
import type { PackPolicy } from "../lib/types";

export const kmsRules: PackPolicy[] = [
  resourceRule({
    name: "kms-key-rotation",
    service: "kms",
    maps: "AwsSolutions-KMS5 / CKV_AWS_7",
    level: "mandatory",
    description: "Symmetric encryption keys rotate their key material.",
    remediation: "Set enableKeyRotation: true (rotationPeriodInDays optional, default 365).",
    types: ["aws:kms/key:Key"],
    validate: (props, _args, report) => {
      const symmetric =
        (props.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT" &&
        (props.keyUsage ?? "ENCRYPT_DECRYPT") === "ENCRYPT_DECRYPT";
      if (symmetric && props.enableKeyRotation !== true) report("Key rotation is off.");
    },
  }),
  resourceRule({
    name: "kms-no-public-key-policy",
    service: "kms",
    maps: "CKV_AWS_33",
    level: "mandatory",
    description:
      'Key policies never allow "*" without a condition pinning the caller (kms:CallerAccount, kms:ViaService, aws:SourceArn...).',
    remediation:
      "Name the account root, the roles and the service principals (with aws:SourceAccount) that use the key.",
    types: ["aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"],
    validate: (props, _args, report) => {
      for (const s of statements(peek(() => props.policy))) {
        if (s.Effect === "Allow" && isPublicPrincipal(s) && !isScoped(s))
          report(`The key policy allows ${s.Action.join(", ")} to any principal.`);
      }
    },
  }),
];
