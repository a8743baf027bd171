// The storefront shell: reads this stack's /config.json (API URL, region, user pool), checks
// the API, and signs in with the Cognito hosted UI (authorization code + PKCE, no secret).
"use strict";

const $ = (id) => document.getElementById(id);

function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function pkcePair() {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64Url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return { verifier, challenge };
}

const redirectUri = () => window.location.origin;

async function signIn(config) {
  const { verifier, challenge } = await pkcePair();
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem("pkce", JSON.stringify({ verifier, state }));
  const url = new URL(`${config.hostedUiUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.userPoolClientId,
    redirect_uri: redirectUri(),
    scope: "openid email profile",
    code_challenge_method: "S256",
    code_challenge: challenge,
    state,
  }).toString();
  window.location.assign(url.toString());
}

async function completeSignIn(config, params) {
  const saved = JSON.parse(sessionStorage.getItem("pkce") || "null");
  sessionStorage.removeItem("pkce");
  if (!saved || saved.state !== params.get("state")) throw new Error("Sign-in state does not match; please sign in again.");
  const response = await fetch(`${config.hostedUiUrl}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.userPoolClientId,
      code: params.get("code"),
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Sign-in failed (${response.status})`);
  const tokens = await response.json();
  sessionStorage.setItem("tokens", JSON.stringify(tokens));
  history.replaceState(null, "", "/");
}

function signedInEmail() {
  const tokens = JSON.parse(sessionStorage.getItem("tokens") || "null");
  if (!tokens) return null;
  const claims = JSON.parse(atob(tokens.id_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  return claims.exp * 1000 > Date.now() ? claims.email : null;
}

function signOut(config) {
  sessionStorage.removeItem("tokens");
  const url = new URL(`${config.hostedUiUrl}/logout`);
  url.search = new URLSearchParams({ client_id: config.userPoolClientId, logout_uri: redirectUri() }).toString();
  window.location.assign(url.toString());
}

async function main() {
  const response = await fetch("/config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = await response.json();

  const params = new URLSearchParams(window.location.search);
  if (params.has("code")) await completeSignIn(config, params);

  $("api-url").textContent = config.apiUrl;
  $("region").textContent = config.region;
  $("stack").hidden = false;
  $("status").textContent = "Ready.";

  const email = signedInEmail();
  $("user").textContent = email ? `Signed in as ${email}` : "";
  $("user").hidden = !email;
  $("sign-in").hidden = Boolean(email);
  $("sign-out").hidden = !email;
  $("sign-in").addEventListener("click", () => signIn(config));
  $("sign-out").addEventListener("click", () => signOut(config));

  const health = await fetch(`${config.apiUrl}/health`).then((r) => (r.ok ? r.json() : { status: `HTTP ${r.status}` })).catch((e) => ({ status: e.message }));
  $("api-health").textContent = health.status;
}

main().catch((error) => {
  $("status").textContent = `Could not start: ${error.message}`;
});
