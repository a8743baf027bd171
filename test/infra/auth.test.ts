import { strict as assert } from "node:assert";
import { Auth } from "../../components/auth";
import { runComponents } from "../../testing/program";

const run = (stack: "dev" | "prod", config: Record<string, unknown> = {}) =>
  runComponents(stack, (c) => new Auth("auth", { config: c, storefrontUrl: "https://shop.example.com" }), { config });

describe("Auth", () => {
  it("user pool: e-mail sign-in, self sign-up with verification, e-mail recovery, TOTP", async () => {
    const pool = (await run("dev")).named("aws:cognito/userPool:UserPool", "auth-users").inputs;
    assert.deepEqual(pool.usernameAttributes, ["email"]);
    assert.deepEqual(pool.autoVerifiedAttributes, ["email"]);
    assert.equal(pool.adminCreateUserConfig.allowAdminCreateUserOnly, false);
    assert.deepEqual(pool.accountRecoverySetting, { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] });
    assert.deepEqual(pool.softwareTokenMfaConfiguration, { enabled: true });
  });

  it("dev: MFA optional, no deletion protection, no threat protection plan", async () => {
    const pool = (await run("dev")).named("aws:cognito/userPool:UserPool", "auth-users").inputs;
    assert.equal(pool.mfaConfiguration, "OPTIONAL");
    assert.equal(pool.deletionProtection, "INACTIVE");
    assert.equal(pool.userPoolTier, "ESSENTIALS");
    assert.equal(pool.userPoolAddOns, undefined);
  });

  it("prod: MFA required, 12+ character passwords with every class, deletion protection, threat protection enforced", async () => {
    const pool = (await run("prod")).named("aws:cognito/userPool:UserPool", "auth-users").inputs;
    assert.equal(pool.mfaConfiguration, "ON");
    assert.deepEqual(pool.passwordPolicy, {
      minimumLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
      temporaryPasswordValidityDays: 3,
    });
    assert.equal(pool.deletionProtection, "ACTIVE");
    assert.equal(pool.userPoolTier, "PLUS");
    assert.deepEqual(pool.userPoolAddOns, { advancedSecurityMode: "ENFORCED" });
  });

  it("an admin group", async () => {
    const mocks = await run("dev");
    const group = mocks.named("aws:cognito/userGroup:UserGroup", "auth-admin").inputs;
    assert.equal(group.name, "admin");
    assert.equal(group.userPoolId, mocks.named("aws:cognito/userPool:UserPool", "auth-users").id);
  });

  it("browser client: no secret, SRP and refresh only, code flow, storefront (+ localhost in dev) callbacks, revocation", async () => {
    const client = (await run("dev")).named("aws:cognito/userPoolClient:UserPoolClient", "auth-web").inputs;
    assert.equal(client.generateSecret, false);
    assert.deepEqual(client.explicitAuthFlows, ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    assert.deepEqual(client.allowedOauthFlows, ["code"]);
    assert.equal(client.allowedOauthFlowsUserPoolClient, true);
    assert.deepEqual(client.callbackUrls, ["https://shop.example.com", "http://localhost:5173"]);
    assert.deepEqual(client.logoutUrls, ["https://shop.example.com", "http://localhost:5173"]);
    assert.equal(client.preventUserExistenceErrors, "ENABLED");
    assert.equal(client.enableTokenRevocation, true);
    assert.equal(client.accessTokenValidity, 60);
    assert.equal(client.refreshTokenValidity, 30);
    assert.deepEqual(client.tokenValidityUnits, { accessToken: "minutes", idToken: "minutes", refreshToken: "days" });
  });

  it("prod client: storefront only, shorter refresh tokens", async () => {
    const client = (await run("prod")).named("aws:cognito/userPoolClient:UserPoolClient", "auth-web").inputs;
    assert.deepEqual(client.callbackUrls, ["https://shop.example.com"]);
    assert.equal(client.refreshTokenValidity, 7);
  });

  it("hosted UI domain: derived from project, stack and account, or from config", async () => {
    assert.equal(
      (await run("dev")).named("aws:cognito/userPoolDomain:UserPoolDomain", "auth-domain").inputs.domain,
      "ecommerce-dev-123456789012",
    );
    assert.equal(
      (await run("dev", { "ecommerce:authDomainPrefix": "shop-login" })).named(
        "aws:cognito/userPoolDomain:UserPoolDomain",
        "auth-domain",
      ).inputs.domain,
      "shop-login",
    );
  });

  it("e-mail: Cognito's capped built-in sender by default; with an SES identity, DEVELOPER sending from it", async () => {
    assert.deepEqual(
      (await run("dev")).named("aws:cognito/userPool:UserPool", "auth-users").inputs.emailConfiguration,
      { emailSendingAccount: "COGNITO_DEFAULT" },
    );
    const pool = (
      await run("prod", {
        "ecommerce:authEmailSesIdentity": "shop.example.com",
        "ecommerce:authEmailFrom": "Shop <no-reply@shop.example.com>",
      })
    ).named("aws:cognito/userPool:UserPool", "auth-users").inputs;
    assert.deepEqual(pool.emailConfiguration, {
      emailSendingAccount: "DEVELOPER",
      sourceArn: "arn:aws:ses:eu-west-1:123456789012:identity/shop.example.com",
      fromEmailAddress: "Shop <no-reply@shop.example.com>",
    });
  });
});
