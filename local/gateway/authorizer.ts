// The REST API's Cognito user pool authorizer: the token in the scheme's header (raw, or after
// "Bearer ") must be signed by the pool's keys, issued by the pool and unexpired. With no OAuth
// scopes on the method (this API sets none) only an ID token is accepted; an access token is
// refused, as AWS documents ("If there are no scopes defined the API Gateway Cognito Authorizer
// will require the ID Token", re:Post; apigateway-integrate-with-cognito.html). The REST
// authorizer does not check the audience unless an identity validation expression is set
// (none here), so any app client of the pool is accepted, as on AWS.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import { flattenClaims } from "./claims";
import type { CognitoAuthorizer } from "./document";
import type { GatewayError } from "./gateway-responses";
import type { IncomingApiRequest } from "./request";

export interface CognitoOptions {
  /** The pool's issuer, e.g. http://127.0.0.1:9229/local_pool (tokens' `iss`). */
  issuer: string;
  /** Where the pool publishes its keys; default `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string;
  /** Or the keys themselves. */
  jwks?: JSONWebKeySet;
}

export type AuthorizerResult = { claims: Record<string, string> } | { error: GatewayError };

const unauthorized = (message = "Unauthorized"): AuthorizerResult => ({ error: { type: "UNAUTHORIZED", message } });

export class CognitoTokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly options: CognitoOptions) {
    this.keys = options.jwks
      ? createLocalJWKSet(options.jwks)
      : createRemoteJWKSet(new URL(options.jwksUri ?? `${options.issuer.replace(/\/$/, "")}/.well-known/jwks.json`));
  }

  async authorize(authorizer: CognitoAuthorizer, request: IncomingApiRequest): Promise<AuthorizerResult> {
    const header = request.header(authorizer.header)?.trim();
    if (!header) return unauthorized();
    const token = header.replace(/^Bearer\s+/i, "");
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, { issuer: this.options.issuer }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return unauthorized("The incoming token has expired");
      return unauthorized();
    }
    if (authorizer.scopes.length === 0) {
      if (payload.token_use !== "id") return unauthorized();
    } else {
      const granted = String(payload.scope ?? "").split(" ");
      if (payload.token_use !== "access" || !authorizer.scopes.some((s) => granted.includes(s))) return unauthorized();
    }
    return { claims: flattenClaims(payload) };
  }
}
