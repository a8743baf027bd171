// The opaque paging cursor of GET /orders: base64url(JSON) of the customer index key where
// the previous page ended. Decoding checks its shape and that it belongs to the caller, so
// a tampered cursor is a 400, never a DynamoDB error or another customer's page.
import * as z from "zod";
import { badRequest } from "./errors";

const cursorKeySchema = z.strictObject({
  orderId: z.string().min(1).max(64),
  customerId: z.string().min(1),
  createdAt: z.iso.datetime(),
});
export type CursorKey = z.infer<typeof cursorKeySchema>;

export function encodeCursor(key: CursorKey): string {
  const { orderId, customerId, createdAt } = key;
  return Buffer.from(JSON.stringify({ orderId, customerId, createdAt })).toString("base64url");
}

export function decodeCursor(cursor: string, customerId: string): CursorKey {
  const invalid = () =>
    badRequest("cursor is not valid", [
      { path: "cursor", message: "pass nextCursor from the previous page unchanged" },
    ]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const parsed = cursorKeySchema.safeParse(decoded);
  if (!parsed.success || parsed.data.customerId !== customerId) throw invalid();
  return parsed.data;
}
