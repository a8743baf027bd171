// Sign-in with the Cognito hosted UI through oidc-client-ts: authorization code with PKCE
// (no client secret), tokens renewed silently with the refresh token before they expire,
// the callback's `?error=` and a stale or foreign `state` turned into a message with a way
// forward, and the refresh token revoked at sign-out (Cognito's /oauth2/revoke).
import { ErrorResponse, UserManager, type User } from "oidc-client-ts";
import type { RuntimeConfig } from "./config";
import { Store } from "./store";

export interface SignedInUser {
  sub: string;
  email: string;
  groups: string[];
  idToken: string;
}

/** What happened on the return from the hosted UI, for the page to tell the shopper. */
export type SignInOutcome =
  | { kind: "none" }
  | { kind: "signed-in"; returnTo: string }
  | { kind: "failed"; message: string };

export const adminGroup = "admin";

export function issuerOf(config: RuntimeConfig): string {
  return config.issuer ?? `https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`;
}

export class Auth {
  readonly user = new Store<SignedInUser | null>(null);
  private readonly manager: UserManager;
  private readonly origin: string;

  constructor(
    private readonly config: RuntimeConfig,
    origin = window.location.origin,
  ) {
    this.origin = origin;
    const issuer = issuerOf(config);
    const hostedUi = config.hostedUiUrl;
    this.manager = new UserManager({
      authority: issuer,
      // Cognito's endpoints given directly: no discovery request, and the CSP admits only the hosted UI.
      metadata: {
        issuer,
        authorization_endpoint: `${hostedUi}/oauth2/authorize`,
        token_endpoint: `${hostedUi}/oauth2/token`,
        revocation_endpoint: `${hostedUi}/oauth2/revoke`,
        end_session_endpoint: `${hostedUi}/logout`,
        userinfo_endpoint: `${hostedUi}/oauth2/userInfo`,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
      },
      client_id: config.userPoolClientId,
      // Exactly the app client's callback URL (the storefront origin, no path).
      redirect_uri: origin,
      post_logout_redirect_uri: origin,
      response_type: "code",
      scope: "openid email profile",
      loadUserInfo: false,
      automaticSilentRenew: true,
      // Cognito revokes refresh tokens (and the tokens issued from them); it refuses access tokens there.
      revokeTokenTypes: ["refresh_token"],
    });
    this.manager.events.addUserLoaded((user) => this.user.set(toSignedIn(user)));
    this.manager.events.addUserUnloaded(() => this.user.set(null));
    // A failed renewal keeps the session while its token is valid; idToken() tries again when it lapses.
    this.manager.events.addSilentRenewError((error) => {
      console.warn("token renewal failed", error.message);
      void this.manager.getUser().then((user) => {
        if (!user || user.expired) this.user.set(null);
      });
    });
  }

  /** Loads a stored session and completes a return from the hosted UI. Never throws. */
  async start(url = new URL(window.location.href)): Promise<SignInOutcome> {
    const isCallback =
      url.pathname === "/" &&
      url.searchParams.has("state") &&
      (url.searchParams.has("code") || url.searchParams.has("error"));
    if (isCallback && url.searchParams.has("error")) {
      // The hosted UI refused or the shopper cancelled; its state is spent either way.
      await this.manager.signinRedirectCallback(url.toString()).catch(() => undefined);
      const reason = url.searchParams.get("error_description") || url.searchParams.get("error");
      return { kind: "failed", message: `Sign-in did not complete (${reason}). You can try again.` };
    }
    if (isCallback) {
      try {
        const user = await this.manager.signinRedirectCallback(url.toString());
        this.user.set(toSignedIn(user));
        const returnTo = (user.state as { returnTo?: string } | undefined)?.returnTo;
        return { kind: "signed-in", returnTo: returnTo?.startsWith("/") ? returnTo : "/" };
      } catch (error) {
        return { kind: "failed", message: signInFailure(error) };
      }
    }
    const user = await this.manager.getUser().catch(() => null);
    if (user && !user.expired) this.user.set(toSignedIn(user));
    else if (user?.refresh_token) await this.renew();
    return { kind: "none" };
  }

  signIn(returnTo = window.location.pathname + window.location.search): Promise<void> {
    return this.manager.signinRedirect({ state: { returnTo } });
  }

  /** The current ID token (renewed first when it has expired), or undefined when signed out. */
  async idToken(): Promise<string | undefined> {
    const user = await this.manager.getUser().catch(() => null);
    if (!user) return undefined;
    if (!user.expired) return user.id_token;
    return (await this.renew())?.idToken;
  }

  /** Revokes the refresh token, forgets the session, and ends the hosted UI's session too. */
  async signOut(): Promise<void> {
    try {
      await this.manager.revokeTokens(["refresh_token"]);
    } catch (error) {
      // Still sign out locally: the token then lapses at its expiry instead.
      console.warn("could not revoke the refresh token", error);
    }
    await this.manager.removeUser();
    // Cognito's /logout wants client_id and logout_uri (one of the app client's sign-out URLs).
    await this.manager.signoutRedirect({
      extraQueryParams: { client_id: this.config.userPoolClientId, logout_uri: this.origin },
    });
  }

  private async renew(): Promise<SignedInUser | null> {
    try {
      const user = await this.manager.signinSilent();
      return user ? toSignedIn(user) : null;
    } catch {
      await this.manager.removeUser();
      return null;
    }
  }
}

function toSignedIn(user: User): SignedInUser {
  const groups = user.profile["cognito:groups"];
  return {
    sub: user.profile.sub,
    email: typeof user.profile.email === "string" ? user.profile.email : user.profile.sub,
    groups: Array.isArray(groups) ? groups.map(String) : [],
    idToken: user.id_token ?? "",
  };
}

function signInFailure(error: unknown): string {
  if (error instanceof ErrorResponse) {
    const reason = error.error_description || error.error || "the sign-in service refused";
    return `Sign-in did not complete (${reason}). You can try again.`;
  }
  // No matching state: the link was used already, is old, or came from another browser tab.
  return "That sign-in has expired or was started elsewhere. Please sign in again.";
}
