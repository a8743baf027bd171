// How a REST API's Cognito authorizer hands the token's claims to the backend
// (requestContext.authorizer.claims and $context.authorizer.claims): every value a string.
// What AWS does, as observed and reported (re:Post "AWS Cognito Group", 2023, with a full
// claims dump; openillumi.com on cognito:groups; the HTTP API differs and renders "[a b]"):
// - arrays are joined with commas: ["admin","staff"] -> "admin,staff"; one group -> "admin";
// - `exp` and `iat` become Java Date strings in UTC: "Tue Apr 04 18:39:39 UTC 2023",
//   while other numbers (auth_time) stay decimal: "1680629979";
// - booleans become "true" / "false".
// Objects (no Cognito ID-token claim is one) are rendered as JSON, which is an assumption.

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** java.util.Date#toString in UTC: "EEE MMM dd HH:mm:ss zzz yyyy". */
export function javaDateString(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

const dateClaims = new Set(["exp", "iat"]);

function flatten(name: string, value: unknown): string {
  if (dateClaims.has(name) && typeof value === "number") return javaDateString(value);
  if (Array.isArray(value))
    return value.map((v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v))).join(",");
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

export function flattenClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) if (value !== undefined) claims[name] = flatten(name, value);
  return claims;
}
