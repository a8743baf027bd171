// Sign-in: a Cognito user pool (e-mail as username, verified e-mail, strong passwords, TOTP
// MFA, threat protection by stage), an `admin` group, a public browser client (SRP and
// authorization code with PKCE, no secret) and the hosted UI domain.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { adminGroup } from "../handlers/shared/http";
import { derivedDomainPrefix } from "./auth-domain-prefix";
import type { PlatformConfig } from "./config";
import { callerContext } from "./lib/iam";
import { statefulOptions } from "./lib/stateful";

export type AuthConfig = Pick<
  PlatformConfig,
  | "project"
  | "stack"
  | "region"
  | "protectData"
  | "authMfa"
  | "authPasswordMinLength"
  | "authPasswordRequireSymbols"
  | "authThreatProtection"
  | "authAccessTokenMinutes"
  | "authRefreshTokenDays"
  | "authDomainPrefix"
  | "authLocalhostCallbacks"
  | "authEmailSesIdentity"
  | "authEmailFrom"
>;

export interface AuthArgs {
  config: AuthConfig;
  /** Where the browser returns after sign-in and sign-out (the storefront URL). */
  storefrontUrl: pulumi.Input<string>;
}

/** The Vite dev server, allowed as an origin in stages with authLocalhostCallbacks. */
export const localDevOrigin = "http://localhost:5173";
export const adminGroupName = adminGroup;

export class Auth extends pulumi.ComponentResource {
  public readonly userPool: aws.cognito.UserPool;
  public readonly client: aws.cognito.UserPoolClient;
  public readonly adminGroup: aws.cognito.UserGroup;
  public readonly domain: aws.cognito.UserPoolDomain;
  public readonly hostedUiUrl: pulumi.Output<string>;

  constructor(name: string, args: AuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:auth:Auth", name, {}, opts);
    const c = args.config;
    const threatProtection = c.authThreatProtection !== "OFF";
    const { accountId, partition } = callerContext({ parent: this });

    this.userPool = new aws.cognito.UserPool(
      `${name}-users`,
      {
        usernameAttributes: ["email"],
        autoVerifiedAttributes: ["email"],
        usernameConfiguration: { caseSensitive: false },
        adminCreateUserConfig: { allowAdminCreateUserOnly: false },
        verificationMessageTemplate: { defaultEmailOption: "CONFIRM_WITH_CODE" },
        passwordPolicy: {
          minimumLength: c.authPasswordMinLength,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: c.authPasswordRequireSymbols,
          temporaryPasswordValidityDays: 3,
        },
        mfaConfiguration: c.authMfa,
        softwareTokenMfaConfiguration: { enabled: true },
        // Cognito's own sender is capped at a few e-mails a day; with an SES identity, sign-up codes
        // and password resets go through the account's SES (Cognito's service-linked role sends).
        emailConfiguration: c.authEmailSesIdentity
          ? {
              emailSendingAccount: "DEVELOPER",
              sourceArn: pulumi.interpolate`arn:${partition}:ses:${c.region}:${accountId}:identity/${c.authEmailSesIdentity}`,
              fromEmailAddress: c.authEmailFrom,
            }
          : { emailSendingAccount: "COGNITO_DEFAULT" },
        accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
        deletionProtection: c.protectData ? "ACTIVE" : "INACTIVE",
        // Threat protection is a Plus-plan feature.
        userPoolTier: threatProtection ? "PLUS" : "ESSENTIALS",
        userPoolAddOns: threatProtection ? { advancedSecurityMode: c.authThreatProtection } : undefined,
      },
      { parent: this, ...statefulOptions(c, "store") },
    );

    this.adminGroup = new aws.cognito.UserGroup(
      `${name}-admin`,
      {
        name: adminGroupName,
        userPoolId: this.userPool.id,
        description: "May search every customer's orders",
      },
      { parent: this },
    );

    const returnUrls = pulumi
      .output(args.storefrontUrl)
      .apply((url) => [url, ...(c.authLocalhostCallbacks ? [localDevOrigin] : [])]);
    this.client = new aws.cognito.UserPoolClient(
      `${name}-web`,
      {
        userPoolId: this.userPool.id,
        generateSecret: false,
        explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        // Authorization code only; the browser proves possession with PKCE (no client secret).
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["code"],
        allowedOauthScopes: ["openid", "email", "profile"],
        supportedIdentityProviders: ["COGNITO"],
        callbackUrls: returnUrls,
        logoutUrls: returnUrls,
        accessTokenValidity: c.authAccessTokenMinutes,
        idTokenValidity: c.authAccessTokenMinutes,
        refreshTokenValidity: c.authRefreshTokenDays,
        tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
      },
      { parent: this },
    );

    this.domain = new aws.cognito.UserPoolDomain(
      `${name}-domain`,
      {
        domain: hostedUiDomainPrefix(c, accountId),
        userPoolId: this.userPool.id,
      },
      { parent: this },
    );
    this.hostedUiUrl = pulumi.interpolate`https://${this.domain.domain}.auth.${c.region}.amazoncognito.com`;

    this.registerOutputs({ userPoolId: this.userPool.id, clientId: this.client.id, hostedUiUrl: this.hostedUiUrl });
  }
}

/**
 * The hosted UI's domain prefix: `authDomainPrefix`, else `<project>-<stack>-<account id>`.
 * Known before the user pool exists, so the storefront's CSP can name the sign-in origin
 * although Auth itself needs the storefront's URL.
 */
export function hostedUiDomainPrefix(
  c: Pick<PlatformConfig, "project" | "stack" | "authDomainPrefix">,
  accountId: pulumi.Input<string>,
): pulumi.Output<string> {
  return c.authDomainPrefix
    ? pulumi.output(c.authDomainPrefix)
    : pulumi.output(accountId).apply((id) => derivedDomainPrefix(c.project, c.stack, id));
}

/** https://<prefix>.auth.<region>.amazoncognito.com: where the browser signs in and gets tokens. */
export function hostedUiOrigin(
  c: Pick<PlatformConfig, "project" | "stack" | "authDomainPrefix" | "region">,
  accountId: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.interpolate`https://${hostedUiDomainPrefix(c, accountId)}.auth.${c.region}.amazoncognito.com`;
}
