// Which method of which resource serves a request path: literal segments win over `{param}`,
// which wins over a greedy `{proxy+}`; the exact HTTP method wins over ANY. A path with no
// resource, or a resource without the method, is API Gateway's MISSING_AUTHENTICATION_TOKEN.
import type { Method } from "./document";

export interface RouteMatch {
  method: Method;
  /** Path parameters, URL-decoded. */
  pathParameters: Record<string, string>;
}

type Segment = { kind: "literal"; value: string } | { kind: "param"; name: string } | { kind: "greedy"; name: string };

interface Resource {
  path: string;
  segments: Segment[];
  methods: Map<string, Method>;
}

function parseTemplate(path: string): Segment[] {
  return path
    .split("/")
    .filter(Boolean)
    .map((part): Segment => {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy) return { kind: "greedy", name: greedy[1] };
      const param = /^\{(.+)\}$/.exec(part);
      return param ? { kind: "param", name: param[1] } : { kind: "literal", value: part };
    });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Tries `segments` against `parts`, most specific alternative first; fills `params`. */
function matches(segments: Segment[], parts: string[], params: Record<string, string>): boolean {
  if (segments.length === 0) return parts.length === 0;
  const [first, ...rest] = segments;
  if (first.kind === "greedy") {
    if (parts.length === 0) return false;
    params[first.name] = parts.map(decode).join("/");
    return true;
  }
  if (parts.length === 0) return false;
  if (first.kind === "literal") return first.value === parts[0] && matches(rest, parts.slice(1), params);
  params[first.name] = decode(parts[0]);
  return matches(rest, parts.slice(1), params);
}

/** Sort key: literal segments before parameters before greedy ones, position by position. */
function specificity(resource: Resource): string {
  return resource.segments.map((s) => (s.kind === "literal" ? "0" : s.kind === "param" ? "1" : "2")).join("");
}

export class Router {
  private readonly resources: Resource[] = [];

  constructor(methods: Method[]) {
    const byPath = new Map<string, Resource>();
    for (const method of methods) {
      let resource = byPath.get(method.resourcePath);
      if (!resource) {
        resource = { path: method.resourcePath, segments: parseTemplate(method.resourcePath), methods: new Map() };
        byPath.set(method.resourcePath, resource);
      }
      resource.methods.set(method.httpMethod, method);
    }
    this.resources = [...byPath.values()].sort((a, b) => specificity(a).localeCompare(specificity(b)));
  }

  /** `path` is the request path after the stage, e.g. "/orders/o-1". */
  match(httpMethod: string, path: string): RouteMatch | undefined {
    const parts = path.split("/").filter(Boolean);
    for (const resource of this.resources) {
      const pathParameters: Record<string, string> = {};
      if (!matches(resource.segments, parts, pathParameters)) continue;
      const method = resource.methods.get(httpMethod.toUpperCase()) ?? resource.methods.get("ANY");
      // API Gateway does not fall through to a less specific resource for a missing method.
      return method ? { method, pathParameters } : undefined;
    }
    return undefined;
  }
}
