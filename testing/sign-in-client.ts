// Signs in through the local hosted UI as a browser would: the authorization code flow with
// PKCE (GET the sign-in page, POST the form, follow the redirect's code to /oauth2/token).
import { createHash, randomBytes } from "node:crypto";

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

export async function signInWithHostedUi(
  signInUrl: string,
  clientId: string,
  redirectUri: string,
  email: string,
  password: string,
): Promise<Tokens> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const params = {
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    code_challenge: challenge,
    code_challenge_method: "S256",
    scope: "openid email profile",
    state: randomBytes(8).toString("hex"),
  };
  const page = await fetch(`${signInUrl}/oauth2/authorize?${new URLSearchParams(params)}`);
  if (page.status !== 200) throw new Error(`sign-in page: ${page.status} ${await page.text()}`);
  const submitted = await fetch(`${signInUrl}/oauth2/authorize`, {
    method: "POST",
    body: new URLSearchParams({ ...params, username: email, password }),
    redirect: "manual",
  });
  const location = submitted.headers.get("location");
  if (submitted.status !== 302 || !location)
    throw new Error(`sign-in refused (${submitted.status}): ${(await submitted.text()).slice(0, 200)}`);
  const redirect = new URL(location);
  if (redirect.searchParams.get("state") !== params.state) throw new Error("sign-in returned another state");
  const token = await fetch(`${signInUrl}/oauth2/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: redirect.searchParams.get("code")!,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    }),
  });
  const body = (await token.json()) as any;
  if (token.status !== 200) throw new Error(`token exchange: ${token.status} ${JSON.stringify(body)}`);
  return { idToken: body.id_token, accessToken: body.access_token, refreshToken: body.refresh_token };
}

export const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));
