// The stack's runtime config (/config.json, written per stack by the program and by local
// mode; shape = SiteRuntimeConfig in components/storefront.ts). One build serves every stack.
export interface RuntimeConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  hostedUiUrl: string;
  /** OpenID issuer; default https://cognito-idp.<region>.amazonaws.com/<userPoolId>. */
  issuer?: string;
}

const required = ["apiUrl", "region", "userPoolId", "userPoolClientId", "hostedUiUrl"] as const;

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch("/config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`the shop's configuration could not be loaded (HTTP ${response.status})`);
  const config = (await response.json()) as Partial<RuntimeConfig>;
  const missing = required.filter((key) => typeof config[key] !== "string" || config[key] === "");
  if (missing.length > 0) throw new Error(`the shop's configuration lacks ${missing.join(", ")}`);
  return {
    ...(config as RuntimeConfig),
    apiUrl: config.apiUrl!.replace(/\/$/, ""),
    hostedUiUrl: config.hostedUiUrl!.replace(/\/$/, ""),
  };
}
