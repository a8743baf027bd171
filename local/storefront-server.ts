// The storefront on 127.0.0.1: the site files the Storefront component uploads, a config.json
// generated for the local platform (typed as the one the program publishes), and the
// production security headers with a CSP that admits the local API and sign-in origins
// instead of the execute-api and Cognito hosts. Unknown paths get the app shell, as the
// distribution's SPA fallback does.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSite } from "../components/site-build";
import { noCache } from "../components/site-files";
import { contentSecurityPolicy, type SiteRuntimeConfig } from "../components/storefront";

export interface SiteObject {
  key: string;
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** What the Storefront component uploads: the same in-process build (components/site-build.ts). */
export async function siteObjects(): Promise<SiteObject[]> {
  return buildSite();
}

/** The production CSP with the local API and sign-in origins in place of the AWS hosts. */
export function localContentSecurityPolicy(origins: { api: string; signIn: string }): string {
  return contentSecurityPolicy({ apiOrigins: [origins.api], signInOrigin: origins.signIn });
}

export interface StorefrontServer {
  url: string;
  /** Serves the site with its config.json and CSP; until then every request is a 503 (the origin is needed first, for the sign-in callbacks). */
  publish(objects: SiteObject[], config: SiteRuntimeConfig, csp: string): void;
  stop(): Promise<void>;
}

export async function startStorefront(options: { port: number }): Promise<StorefrontServer> {
  let byKey: Map<string, SiteObject> | undefined;
  let securityHeaders: Record<string, string> = {};
  const server: Server = createServer((req, res) => {
    if (!byKey) {
      res.writeHead(503, { "retry-after": "1" });
      res.end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" });
      res.end();
      return;
    }
    const key =
      decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname).replace(/^\/+/, "") || "index.html";
    const object = byKey.get(key) ?? byKey.get(`${key.replace(/\/$/, "")}/index.html`) ?? byKey.get("index.html");
    if (!object) {
      res.writeHead(404, securityHeaders);
      res.end();
      return;
    }
    res.writeHead(200, {
      ...securityHeaders,
      "content-type": object.contentType,
      "cache-control": object.cacheControl,
      "content-length": object.body.length,
    });
    res.end(req.method === "HEAD" ? undefined : object.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    publish(objects, config, csp) {
      const published = new Map(objects.map((o) => [o.key, o]));
      published.set("config.json", {
        key: "config.json",
        body: Buffer.from(JSON.stringify(config)),
        contentType: "application/json",
        cacheControl: noCache,
      });
      securityHeaders = {
        "content-security-policy": csp,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
      };
      byKey = published;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
