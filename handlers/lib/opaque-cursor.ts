// A paging cursor the client hands back unchanged: base64url(JSON), read back through a zod
// schema, so a tampered or truncated cursor is recognised before it reaches a query.
import type * as z from "./zod";

export function writeOpaqueCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** The cursor's value, or undefined when it is not base64url JSON of the schema's shape. */
export function readOpaqueCursor<T>(text: string, schema: z.ZodMiniType<T>): T | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(decoded);
  return parsed.success ? parsed.data : undefined;
}
