// Cognito e-mail: in production through the account's SES, not the capped built-in sender.
import { r } from "../harness";
import type { RuleCases } from "./types";

const pool = (emailConfiguration: Record<string, string>) => [
  r("aws:cognito/userPool:UserPool", "users", { emailConfiguration }),
];

export const emailCases: RuleCases = {
  "cognito-email-sender": {
    stage: "prod",
    compliant: pool({
      emailSendingAccount: "DEVELOPER",
      sourceArn: "arn:aws:ses:eu-west-1:123456789012:identity/shop.example.com",
      fromEmailAddress: "no-reply@shop.example.com",
    }),
    violating: pool({ emailSendingAccount: "COGNITO_DEFAULT" }),
    expect: /sends e-mail with COGNITO_DEFAULT: Cognito's built-in sender is capped/,
  },
};
