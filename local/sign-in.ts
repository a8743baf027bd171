// Local sign-in: cognito-local (user pools, app clients, groups, the hosted-UI authorization
// code flow with PKCE, RS256 tokens with cognito:groups) run in this process with its data
// under .local/, behind a small front that adds what cognito-local lacks or gets wrong for a
// server on a free port: the hosted UI's /logout redirect, the token revocation endpoint
// (/oauth2/revoke), and an OpenID configuration naming the real issuer and JWKS address.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  UpdateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  RevokeTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import * as fs from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface UserPoolSpec {
  /** The pool's physical name. */
  name: string;
  usernameAttributes: string[];
  passwordPolicy?: Record<string, unknown>;
  client: {
    name: string;
    callbackUrls: string[];
    logoutUrls: string[];
    allowedOauthFlows: string[];
    allowedOauthScopes: string[];
    explicitAuthFlows: string[];
    idTokenValidityMinutes: number;
    accessTokenValidityMinutes: number;
    refreshTokenValidityDays: number;
  };
  groups: { name: string; description?: string }[];
}

export interface DemoUser {
  email: string;
  password: string;
  groups: string[];
}

export interface LocalSignIn {
  /** http://127.0.0.1:<port>: the hosted UI (/oauth2/authorize, /oauth2/token, /oauth2/revoke, /logout) and the Cognito API. */
  url: string;
  userPoolId: string;
  clientId: string;
  /** The token issuer: <url>/<userPoolId>. */
  issuer: string;
  jwksUri: string;
  stop(): Promise<void>;
}

function silentLogger() {
  // biome-ignore lint/style/noCommonJs: cognito-local's own logger, taken from its dependencies
  const pino = require("pino");
  return pino({ level: "silent" });
}

/** Builds cognito-local's app the way its own default server does, with our data directory and issuer. */
async function cognitoApp(dataDirectory: string, tokenConfig: { IssuerDomain: string }) {
  // biome-ignore lint/style/noCommonJs: cognito-local's internal modules, not in its typed exports
  const lib = (p: string) => require(`cognito-local/lib/${p}`);
  const { DateClock, TriggersService, LambdaService, MessagesService } = lib("services");
  const { CognitoServiceFactoryImpl } = lib("services/cognitoService");
  const { CryptoService } = lib("services/crypto");
  const { StormDBDataStoreFactory } = lib("services/dataStore/stormDb");
  const { ConsoleMessageSender } = lib("services/messageDelivery/consoleMessageSender");
  const { MessageDeliveryService } = lib("services/messageDelivery/messageDelivery");
  const { otp } = lib("services/otp");
  const { JwtTokenGenerator } = lib("services/tokenGenerator");
  const { UserPoolServiceFactoryImpl } = lib("services/userPoolService");
  const { Router } = lib("server/Router");
  const { createServer: createCognitoServer } = lib("server/server");
  const logger = silentLogger();
  const ctx = { logger };
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dataDirectory);
  const cognito = await new CognitoServiceFactoryImpl(
    dataDirectory,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, { UsernameAttributes: ["email"] });
  // No Lambda triggers are configured, so the trigger service never calls Lambda.
  const triggers = new TriggersService(clock, cognito, new LambdaService({}, undefined), new CryptoService(undefined));
  const services = {
    clock,
    cognito,
    config: {},
    messages: new MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, tokenConfig),
    triggers,
  };
  return createCognitoServer(Router(services), logger, { development: false }, services).application as (
    req: IncomingMessage,
    res: ServerResponse,
  ) => void;
}

/** Starts cognito-local with the pool, client and groups the Auth component declares, and the demo users. */
export async function startSignIn(options: {
  dataDirectory: string;
  port?: number;
  pool: UserPoolSpec;
  users: DemoUser[];
}): Promise<LocalSignIn> {
  fs.mkdirSync(options.dataDirectory, { recursive: true });
  const tokenConfig = { IssuerDomain: "" };
  const app = await cognitoApp(options.dataDirectory, tokenConfig);
  let logoutUrls: string[] = [];
  let poolId = "";
  let appClientId = "";
  let revoke: RevokeEndpoint | undefined;

  const front = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", tokenConfig.IssuerDomain);
    if (req.method === "POST" && url.pathname === "/oauth2/revoke" && revoke) {
      void revoke.handle(req, res, appClientId);
      return;
    }
    if (req.method === "GET" && url.pathname === "/logout") {
      // Cognito's hosted UI ends the session and returns to a registered sign-out URL.
      const target = url.searchParams.get("logout_uri") ?? url.searchParams.get("redirect_uri") ?? "";
      if (!logoutUrls.includes(target)) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: "invalid_request",
            error_description: "logout_uri is not a sign-out URL of this app client",
          }),
        );
        return;
      }
      res.writeHead(302, { location: target });
      res.end();
      return;
    }
    if (req.method === "GET" && url.pathname === `/${poolId}/.well-known/openid-configuration`) {
      const issuer = `${tokenConfig.IssuerDomain}/${poolId}`;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          authorization_endpoint: `${tokenConfig.IssuerDomain}/oauth2/authorize`,
          token_endpoint: `${tokenConfig.IssuerDomain}/oauth2/token`,
          end_session_endpoint: `${tokenConfig.IssuerDomain}/logout`,
          response_types_supported: ["code"],
          code_challenge_methods_supported: ["S256"],
          id_token_signing_alg_values_supported: ["RS256"],
          subject_types_supported: ["public"],
        }),
      );
      return;
    }
    app(req, res);
  };
  const server: Server = createServer(front);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tokenConfig.IssuerDomain = url;
  const stop = () =>
    new Promise<void>((resolve) => {
      revoke?.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  try {
    const client = cognitoClient(url);
    const pool = await ensurePool(client, options.pool);
    poolId = pool.userPoolId;
    appClientId = pool.clientId;
    logoutUrls = options.pool.client.logoutUrls;
    await ensureUsers(client, poolId, options.users);
    client.destroy();
    revoke = new RevokeEndpoint(cognitoClient(url));
    const issuer = `${url}/${poolId}`;
    return {
      url,
      userPoolId: poolId,
      clientId: pool.clientId,
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

const cognitoClient = (endpoint: string) =>
  new CognitoIdentityProviderClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    requestHandler: new NodeHttpHandler(),
  });

/**
 * The hosted UI's POST /oauth2/revoke, which cognito-local lacks, as Cognito documents it
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html): a form
 * with `token` (a refresh token) and `client_id` (a public client has no secret); 200 with an
 * empty body when revoked and also for a token it does not know; 400 `invalid_request` without
 * a token, 400 `unsupported_token_type` for an ID or access token, 401 `invalid_client` for
 * another client. The refresh token is taken off the user (cognito-local's RevokeToken), so the
 * token endpoint then refuses it with `invalid_grant`. CORS as the rest of the hosted UI here.
 */
class RevokeEndpoint {
  constructor(private readonly client: CognitoIdentityProviderClient) {}

  async handle(req: IncomingMessage, res: ServerResponse, clientId: string): Promise<void> {
    const answer = (status: number, error?: string, description?: string) => {
      const headers: Record<string, string> = { "access-control-allow-origin": "*" };
      if (!error) {
        res.writeHead(status, headers);
        res.end();
        return;
      }
      res.writeHead(status, { ...headers, "content-type": "application/json" });
      res.end(JSON.stringify(description ? { error, error_description: description } : { error }));
    };
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers["content-type"] ?? ""))
        return answer(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const token = form.get("token");
      if (!token) return answer(400, "invalid_request", "token is required");
      if (form.get("client_id") !== clientId) return answer(401, "invalid_client");
      if (tokenUse(token)) return answer(400, "unsupported_token_type");
      await this.client.send(new RevokeTokenCommand({ ClientId: clientId, Token: token })).catch((error: Error) => {
        // A token the pool does not know (already revoked, or never issued) is a 200 as well.
        if (error.name !== "NotAuthorizedException") throw error;
      });
      answer(200);
    } catch {
      answer(500, "internal_error");
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}

/** The `token_use` claim of an ID or access token ("id", "access"); undefined for a refresh token. */
function tokenUse(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
    return typeof claims?.token_use === "string" ? claims.token_use : undefined;
  } catch {
    return undefined;
  }
}

/** The pool, client and groups, created on first start and brought up to date (URLs change with ports) on later ones. */
async function ensurePool(
  client: CognitoIdentityProviderClient,
  spec: UserPoolSpec,
): Promise<{ userPoolId: string; clientId: string }> {
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === spec.name)?.Id;
  if (!userPoolId) {
    const created = await client.send(
      new CreateUserPoolCommand({
        PoolName: spec.name,
        UsernameAttributes: spec.usernameAttributes as any,
        AutoVerifiedAttributes: ["email"],
      }),
    );
    userPoolId = created.UserPool!.Id!;
  }
  const clientSettings = {
    UserPoolId: userPoolId,
    ClientName: spec.client.name,
    CallbackURLs: spec.client.callbackUrls,
    LogoutURLs: spec.client.logoutUrls,
    AllowedOAuthFlows: spec.client.allowedOauthFlows as any,
    AllowedOAuthScopes: spec.client.allowedOauthScopes,
    AllowedOAuthFlowsUserPoolClient: true,
    ExplicitAuthFlows: spec.client.explicitAuthFlows as any,
    SupportedIdentityProviders: ["COGNITO"],
    IdTokenValidity: spec.client.idTokenValidityMinutes,
    AccessTokenValidity: spec.client.accessTokenValidityMinutes,
    RefreshTokenValidity: spec.client.refreshTokenValidityDays,
    TokenValidityUnits: { IdToken: "minutes" as const, AccessToken: "minutes" as const, RefreshToken: "days" as const },
  };
  const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
  let clientId = clients.UserPoolClients?.find((c) => c.ClientName === spec.client.name)?.ClientId;
  if (clientId) {
    const existing = await client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
    );
    if (
      JSON.stringify(existing.UserPoolClient?.CallbackURLs) !== JSON.stringify(spec.client.callbackUrls) ||
      JSON.stringify(existing.UserPoolClient?.LogoutURLs) !== JSON.stringify(spec.client.logoutUrls)
    ) {
      await client.send(new UpdateUserPoolClientCommand({ ...clientSettings, ClientId: clientId }));
    }
  } else {
    clientId = (await client.send(new CreateUserPoolClientCommand(clientSettings))).UserPoolClient!.ClientId!;
  }
  const groups = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
  for (const group of spec.groups) {
    if (!groups.Groups?.some((g) => g.GroupName === group.name)) {
      await client.send(
        new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group.name, Description: group.description }),
      );
    }
  }
  return { userPoolId, clientId };
}

async function ensureUsers(client: CognitoIdentityProviderClient, userPoolId: string, users: DemoUser[]) {
  const existing = await client.send(new ListUsersCommand({ UserPoolId: userPoolId }));
  for (const user of users) {
    const known = existing.Users?.some((u) => u.Attributes?.some((a) => a.Name === "email" && a.Value === user.email));
    if (!known) {
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: user.email,
          MessageAction: "SUPPRESS",
          UserAttributes: [
            { Name: "email", Value: user.email },
            { Name: "email_verified", Value: "true" },
          ],
        }),
      );
      for (const group of user.groups)
        await client.send(
          new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }),
        );
    }
    // The printed password is the one that works, also after a restart.
    await client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        Password: user.password,
        Permanent: true,
      }),
    );
  }
}
