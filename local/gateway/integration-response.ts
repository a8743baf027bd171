// Non-proxy integrations (aws, mock): the request template turns the method request into the
// integration request; the backend's status picks an integration response by selection
// pattern (a regular expression that must match the whole status, else "default"); its
// template and parameter mappings make the method response. `$context.responseOverride`
// set by the template overrides status and headers.
import type { RequestContext } from "./context";
import type { Integration, IntegrationResponse } from "./document";
import { chooseTemplate, type HttpResponse, mappedValue } from "./gateway-responses";
import { evaluatePath, renderTemplate, type TemplateParameters } from "./mapping-template";
import type { IncomingApiRequest } from "./request";

export interface TemplateScope {
  request: IncomingApiRequest;
  context: RequestContext;
  stageVariables: Record<string, string>;
}

export function templateParameters(request: IncomingApiRequest): TemplateParameters {
  return {
    path: { ...request.pathParameters },
    querystring: request.queryMaps().single,
    header: request.headerMaps().single,
  };
}

/** The integration request body, or "unsupported" when passthroughBehavior refuses the content type. */
export function integrationRequestBody(integration: Integration, scope: TemplateScope): string | "unsupported" {
  const templates = integration.requestTemplates ?? {};
  const contentType = scope.request.contentType();
  const key = Object.keys(templates).find((t) => t.toLowerCase() === contentType);
  const body = scope.request.body.toString("utf8");
  if (key === undefined) {
    const behavior = integration.passthroughBehavior ?? "when_no_match";
    if (behavior === "never" || (behavior === "when_no_templates" && Object.keys(templates).length > 0))
      return "unsupported";
    return body;
  }
  return renderTemplate(templates[key], {
    body,
    params: templateParameters(scope.request),
    context: scope.context,
    stageVariables: scope.stageVariables,
  });
}

/** The integration response whose selection pattern matches `status`, else "default". */
export function selectResponse(
  responses: Record<string, IntegrationResponse> | undefined,
  status: string,
): IntegrationResponse | undefined {
  const entries = Object.entries(responses ?? {});
  const matched = entries.find(
    ([pattern]) => pattern !== "default" && new RegExp(`^(?:${pattern})$`, "s").test(status),
  );
  return matched?.[1] ?? entries.find(([pattern]) => pattern === "default")?.[1];
}

export interface BackendReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** The method response for a backend reply; undefined when no integration response matches. */
export function methodResponse(
  integration: Integration,
  reply: BackendReply,
  scope: TemplateScope,
): HttpResponse | undefined {
  const selected = selectResponse(integration.responses, String(reply.status));
  if (!selected) return undefined;
  const context = {
    ...scope.context,
    responseOverride: { header: {} as Record<string, string> } as { status?: number; header: Record<string, string> },
  };
  const chosen = chooseTemplate(selected.responseTemplates, scope.request.header("accept"));
  const body = chosen
    ? renderTemplate(chosen[1], {
        body: reply.body,
        params: templateParameters(scope.request),
        context,
        stageVariables: scope.stageVariables,
      })
    : reply.body;
  const headers: Record<string, string[]> = { "Content-Type": [chosen?.[0] ?? "application/json"] };
  let replyDocument: unknown;
  try {
    replyDocument = JSON.parse(reply.body);
  } catch {
    replyDocument = undefined;
  }
  for (const [target, expression] of Object.entries(selected.responseParameters ?? {})) {
    const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    if (!name) continue;
    const value =
      integrationValue(expression, reply, replyDocument) ??
      mappedValue(expression, scope.request, context, scope.stageVariables);
    if (value !== undefined) headers[name] = [value];
  }
  for (const [name, value] of Object.entries(context.responseOverride.header)) headers[name] = [String(value)];
  const status = context.responseOverride.status ?? Number(selected.statusCode);
  return { statusCode: Number(status), headers, body };
}

function integrationValue(expression: string, reply: BackendReply, document: unknown): string | undefined {
  const header = /^integration\.response\.header\.(.+)$/.exec(expression);
  if (header)
    return Object.entries(reply.headers ?? {}).find(([h]) => h.toLowerCase() === header[1].toLowerCase())?.[1];
  if (expression === "integration.response.body") return reply.body;
  const path = /^integration\.response\.body\.(.+)$/.exec(expression);
  if (path) {
    const value = evaluatePath(document, `$.${path[1]}`);
    return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
  }
  return undefined;
}
