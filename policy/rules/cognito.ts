// Cognito user pools: strong passwords, MFA (required in production) and threat protection.
import { resourceRule } from "../lib/define";
import { isProduction } from "../lib/stage";
import type { PackPolicy } from "../lib/types";

const userPool = ["aws:cognito/userPool:UserPool"];

export const cognitoRules: PackPolicy[] = [
  resourceRule({
    name: "cognito-password-policy",
    service: "cognito",
    maps: "AwsSolutions-COG1",
    level: "mandatory",
    description:
      "User pool passwords: at least 8 characters (12 in production) with lower case, upper case and digits.",
    remediation:
      "Set passwordPolicy.minimumLength (authPasswordMinLength) and requireLowercase/requireUppercase/requireNumbers. Symbols are left to stage config: length matters more (NIST SP 800-63B).",
    types: userPool,
    validate: (props, args, report) => {
      const p = props.passwordPolicy ?? {};
      const minimum = isProduction(args) ? 12 : 8;
      if (!(p.minimumLength >= minimum))
        report(`Minimum password length is ${p.minimumLength ?? "the default"}; require at least ${minimum}.`);
      const missing = ["requireLowercase", "requireUppercase", "requireNumbers"].filter((k) => p[k] !== true);
      if (missing.length > 0) report(`The password policy does not set ${missing.join(", ")}.`);
    },
  }),
  resourceRule({
    name: "cognito-mfa",
    service: "cognito",
    maps: "AwsSolutions-COG2",
    level: "mandatory",
    description: "User pools offer MFA everywhere and require it in production.",
    remediation:
      'Set mfaConfiguration "ON" in production (authMfa) and at least "OPTIONAL" elsewhere, with softwareTokenMfaConfiguration enabled.',
    types: userPool,
    validate: (props, args, report) => {
      const mode = props.mfaConfiguration ?? "OFF";
      if (mode === "OFF") report("MFA is off.");
      else if (isProduction(args) && mode !== "ON") report(`MFA is ${mode} in production; it must be ON.`);
    },
  }),
  resourceRule({
    name: "cognito-threat-protection",
    service: "cognito",
    maps: "AwsSolutions-COG3",
    level: "advisory",
    description: "User pools enforce threat protection (compromised credentials, adaptive authentication).",
    remediation:
      "Set authThreatProtection ENFORCED (userPoolAddOns.advancedSecurityMode; needs the Plus plan). On in prod.",
    types: userPool,
    validate: (props, _args, report) => {
      const mode = props.userPoolAddOns?.advancedSecurityMode ?? "OFF";
      if (mode !== "ENFORCED") report(`Threat protection is ${mode}.`);
    },
  }),
  resourceRule({
    name: "cognito-email-sender",
    service: "cognito",
    maps: "none: Cognito's built-in e-mail quota (no cdk-nag or checkov counterpart)",
    level: "advisory",
    description:
      "Production user pools send e-mail (sign-up codes, password resets) through the account's SES (DEVELOPER), not Cognito's built-in sender, which is capped at a few messages a day.",
    remediation:
      "Verify an SES identity in the stack's region (out of the SES sandbox) and set ecommerce:authEmailSesIdentity and ecommerce:authEmailFrom.",
    types: userPool,
    validate: (props, args, report) => {
      const account = props.emailConfiguration?.emailSendingAccount ?? "COGNITO_DEFAULT";
      if (isProduction(args) && account !== "DEVELOPER")
        report(
          `The user pool sends e-mail with ${account}: Cognito's built-in sender is capped at a few messages a day.`,
        );
    },
  }),
];
