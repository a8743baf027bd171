// API Gateway mapping templates (VTL, rendered with velocityjs) with the variables API Gateway
// gives them: $input (body, json, path, params), $util, $context (incl. authorizer claims and
// responseOverride) and $stageVariables. Templates are Java Velocity, so Java's String methods
// the templates call (length, matches, replaceAll with a regex, ...) behave as in Java.
import { JSONPath } from "jsonpath-plus";
import velocity from "velocityjs";
import type { CompileConfig } from "velocityjs/dist/src/type";

type MethodHandler = NonNullable<CompileConfig["customMethodHandlers"]>[number];

const onString = (name: string, resolve: (s: string, params: any[]) => unknown): MethodHandler => ({
  uid: `java.lang.String#${name}`,
  match: ({ property, context }) => property === name && typeof context === "string",
  resolve: ({ context, params }) => resolve(context, params),
});

/** Java's replacement string: `$1` groups as in JS, `\$` for a literal dollar. */
const javaReplacement = (r: string) => String(r).replace(/\\\$/g, "$$$$").replace(/\\\\/g, "\\");

const javaMethods: MethodHandler[] = [
  onString("length", (s) => s.length),
  onString("matches", (s, [regex]) => new RegExp(`^(?:${regex})$`, "s").test(s)),
  onString("replaceAll", (s, [regex, replacement]) => s.replace(new RegExp(regex, "g"), javaReplacement(replacement))),
  onString("replaceFirst", (s, [regex, replacement]) => s.replace(new RegExp(regex), javaReplacement(replacement))),
  onString("contains", (s, [part]) => s.includes(String(part))),
  onString("equals", (s, [other]) => s === other),
  onString("equalsIgnoreCase", (s, [other]) => typeof other === "string" && s.toLowerCase() === other.toLowerCase()),
  onString("isEmpty", (s) => s.length === 0),
  {
    uid: "java.util.Collection#isEmpty",
    match: ({ property, context }) => property === "isEmpty" && typeof context === "object" && context !== null,
    resolve: ({ context }) => (Array.isArray(context) ? context.length === 0 : Object.keys(context).length === 0),
  },
  {
    uid: "java.util.List#contains",
    match: ({ property, context }) => property === "contains" && Array.isArray(context),
    resolve: ({ context, params }) => context.includes(params[0]),
  },
  {
    uid: "java.util.Map#containsKey",
    match: ({ property, context }) => property === "containsKey" && typeof context === "object" && context !== null,
    resolve: ({ context, params }) => Object.hasOwn(context, params[0]),
  },
];

/** Java's StringEscapeUtils.escapeJavaScript, which $util.escapeJavaScript is. */
export function escapeJavaScript(value: unknown): string {
  let out = "";
  for (const char of String(value ?? "")) {
    const code = char.codePointAt(0)!;
    if (char === "'") out += "\\'";
    else if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "/") out += "\\/";
    else if (char === "\b") out += "\\b";
    else if (char === "\n") out += "\\n";
    else if (char === "\t") out += "\\t";
    else if (char === "\f") out += "\\f";
    else if (char === "\r") out += "\\r";
    else if (code < 0x20 || code > 0x7e) {
      // UTF-16 units, upper-case hex, as Java writes them.
      for (const unit of char.length === 2 ? [char.charCodeAt(0), char.charCodeAt(1)] : [code])
        out += `\\u${unit.toString(16).toUpperCase().padStart(4, "0")}`;
    } else out += char;
  }
  return out;
}

export const util = {
  escapeJavaScript,
  base64Encode: (s: unknown) => Buffer.from(String(s ?? ""), "utf8").toString("base64"),
  base64Decode: (s: unknown) => Buffer.from(String(s ?? ""), "base64").toString("utf8"),
  parseJson: (s: unknown) => JSON.parse(String(s)),
  // java.net.URLEncoder: spaces as "+", and *._- kept.
  urlEncode: (s: unknown) =>
    encodeURIComponent(String(s ?? ""))
      .replace(/%20/g, "+")
      .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  urlDecode: (s: unknown) => decodeURIComponent(String(s ?? "").replace(/\+/g, " ")),
};

/** `$.a.b[2]['c']` as keys, or undefined for anything more (wildcards, filters, slices). */
function simpleSteps(path: string): Array<string | number> | undefined {
  const steps: Array<string | number> = [];
  const step = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  if (!path.startsWith("$")) return undefined;
  step.lastIndex = 1;
  while (step.lastIndex < path.length) {
    const at = step.lastIndex;
    const m = step.exec(path);
    if (!m || m.index !== at) return undefined;
    steps.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4]));
  }
  return steps;
}

/**
 * A JSONPath over the body: one value for a definite path, a list for a wildcard or filter
 * (as Jayway JsonPath, which API Gateway uses). Plain paths, what templates mostly use, are
 * walked directly; a 500-event template evaluates a thousand of them.
 */
export function evaluatePath(document: unknown, path: string): unknown {
  if (document === undefined) return undefined;
  const steps = simpleSteps(path);
  if (steps) {
    let value: any = document;
    for (const key of steps) {
      if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
      value = value[key];
    }
    return value;
  }
  const results = JSONPath({ path, json: document as object, wrap: true, eval: false }) as unknown[];
  const definite = !/\*|\.\.|\[\?|,|:/.test(path.replace(/\['[^']*'\]|\["[^"]*"\]/g, ""));
  return definite ? results[0] : results;
}

export interface TemplateParameters {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
}

export interface TemplateVariables {
  /** The payload: the request body, or the backend's reply for a response template. */
  body: string;
  params: TemplateParameters;
  /** $context: read and written (responseOverride) by the template. */
  context: object;
  stageVariables: Record<string, string>;
}

const parsed = new Map<string, ReturnType<typeof velocity.parse>>();

export function renderTemplate(template: string, variables: TemplateVariables): string {
  let asts = parsed.get(template);
  if (!asts) {
    asts = velocity.parse(template);
    parsed.set(template, asts);
  }
  let document: unknown;
  try {
    document = variables.body.trim() === "" ? {} : JSON.parse(variables.body);
  } catch {
    document = undefined; // not JSON: $input.path / $input.json find nothing
  }
  const input = {
    body: variables.body,
    json: (path: string) => {
      const value = evaluatePath(document, path);
      return value === undefined ? "" : JSON.stringify(value);
    },
    path: (path: string) => evaluatePath(document, path),
    params: (name?: string) => {
      if (name === undefined) return variables.params;
      return (
        variables.params.path[name] ??
        variables.params.querystring[name] ??
        headerValue(variables.params.header, name) ??
        ""
      );
    },
  };
  return new velocity.Compile(asts, { escape: false, customMethodHandlers: javaMethods }).render({
    input,
    util,
    context: variables.context,
    stageVariables: variables.stageVariables,
  });
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}
