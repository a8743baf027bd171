// Local mode's hosted-UI revocation endpoint (cognito-local has none): Cognito's documented
// POST /oauth2/revoke, and the token endpoint refusing a revoked refresh token afterwards.
import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSignIn, type LocalSignIn } from "../../local/sign-in";

const callback = "http://127.0.0.1:65000";
const shopper = { email: "shopper@example.com", password: "Local-Revoke-Pw1", groups: [] };

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

/** The hosted UI's authorization code flow with PKCE, as the storefront runs it. */
async function signInTokens(
  signIn: LocalSignIn,
): Promise<{ id_token: string; access_token: string; refresh_token: string }> {
  const verifier = randomBytes(32).toString("hex");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const authorize = await fetch(`${signIn.url}/oauth2/authorize`, {
    ...form({
      client_id: signIn.clientId,
      redirect_uri: callback,
      response_type: "code",
      scope: "openid",
      code_challenge: challenge,
      code_challenge_method: "S256",
      username: shopper.email,
      password: shopper.password,
    }),
    redirect: "manual",
  });
  assert.equal(authorize.status, 302);
  const code = new URL(authorize.headers.get("location")!).searchParams.get("code")!;
  const token = await fetch(
    `${signIn.url}/oauth2/token`,
    form({
      grant_type: "authorization_code",
      code,
      redirect_uri: callback,
      client_id: signIn.clientId,
      code_verifier: verifier,
    }),
  );
  assert.equal(token.status, 200);
  return (await token.json()) as any;
}

const refresh = (signIn: LocalSignIn, refreshToken: string) =>
  fetch(
    `${signIn.url}/oauth2/token`,
    form({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: signIn.clientId }),
  );

describe("local sign-in: POST /oauth2/revoke", () => {
  let signIn: LocalSignIn;
  let dataDirectory: string;

  before(async () => {
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "sign-in-revoke-"));
    signIn = await startSignIn({
      dataDirectory,
      pool: {
        name: "revoke-test-pool",
        usernameAttributes: ["email"],
        client: {
          name: "browser",
          callbackUrls: [callback],
          logoutUrls: [callback],
          allowedOauthFlows: ["code"],
          allowedOauthScopes: ["openid"],
          explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
          idTokenValidityMinutes: 60,
          accessTokenValidityMinutes: 60,
          refreshTokenValidityDays: 30,
        },
        groups: [],
      },
      users: [shopper],
    });
  });
  after(async () => {
    await signIn?.stop();
    if (dataDirectory) fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  it("revokes a refresh token: 200 with an empty body, then the token endpoint refuses it with invalid_grant", async () => {
    const tokens = await signInTokens(signIn);
    assert.equal((await refresh(signIn, tokens.refresh_token)).status, 200, "the refresh token works before");
    const revoked = await fetch(`${signIn.url}/oauth2/revoke`, {
      ...form({ token: tokens.refresh_token, client_id: signIn.clientId }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: callback },
    });
    assert.equal(revoked.status, 200);
    assert.equal(await revoked.text(), "");
    assert.equal(revoked.headers.get("access-control-allow-origin"), "*", "the browser may read the answer");
    const after = await refresh(signIn, tokens.refresh_token);
    assert.equal(after.status, 400);
    assert.equal(((await after.json()) as any).error, "invalid_grant");
  });

  it("revoking leaves the user's other sessions alone", async () => {
    const [first, second] = [await signInTokens(signIn), await signInTokens(signIn)];
    assert.equal(
      (await fetch(`${signIn.url}/oauth2/revoke`, form({ token: first.refresh_token, client_id: signIn.clientId })))
        .status,
      200,
    );
    assert.equal((await refresh(signIn, second.refresh_token)).status, 200);
  });

  it("answers 200 for a token it does not know or already revoked, as Cognito does", async () => {
    const tokens = await signInTokens(signIn);
    for (const token of [tokens.refresh_token, tokens.refresh_token, "not-a-token"]) {
      const res = await fetch(`${signIn.url}/oauth2/revoke`, form({ token, client_id: signIn.clientId }));
      assert.equal(res.status, 200, token);
    }
  });

  it("refuses what Cognito refuses: no token (400 invalid_request), an ID or access token (400 unsupported_token_type), another client (401 invalid_client)", async () => {
    const tokens = await signInTokens(signIn);
    const revoke = async (fields: Record<string, string>) => {
      const res = await fetch(`${signIn.url}/oauth2/revoke`, form(fields));
      return [res.status, ((await res.json()) as any).error];
    };
    assert.deepEqual(await revoke({ client_id: signIn.clientId }), [400, "invalid_request"]);
    assert.deepEqual(await revoke({ token: tokens.id_token, client_id: signIn.clientId }), [
      400,
      "unsupported_token_type",
    ]);
    assert.deepEqual(await revoke({ token: tokens.access_token, client_id: signIn.clientId }), [
      400,
      "unsupported_token_type",
    ]);
    assert.deepEqual(await revoke({ token: tokens.refresh_token, client_id: "someone-else" }), [401, "invalid_client"]);
    assert.equal((await refresh(signIn, tokens.refresh_token)).status, 200, "a refused revocation revokes nothing");
  });
});
