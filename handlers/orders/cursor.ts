// The opaque paging cursor of GET /orders: base64url(JSON) of the customer index key where
// the previous page ended. Decoding checks its shape and that it belongs to the caller, so
// a tampered cursor is a 400, never a DynamoDB error or another customer's page.
import * as z from "../lib/zod";
import { readOpaqueCursor, writeOpaqueCursor } from "../lib/opaque-cursor";
import { badRequest } from "./errors";

const cursorKeySchema = z.strictObject({
  orderId: z.string().check(z.minLength(1), z.maxLength(64)),
  customerId: z.string().check(z.minLength(1)),
  createdAt: z.iso.datetime(),
});
export type CursorKey = z.infer<typeof cursorKeySchema>;

export function encodeCursor(key: CursorKey): string {
  const { orderId, customerId, createdAt } = key;
  return writeOpaqueCursor({ orderId, customerId, createdAt });
}

export function decodeCursor(cursor: string, customerId: string): CursorKey {
  const invalid = () =>
    badRequest("cursor is not valid", [
      { path: "cursor", message: "pass nextCursor from the previous page unchanged" },
    ]);
  const key = readOpaqueCursor(cursor, cursorKeySchema);
  if (!key || key.customerId !== customerId) throw invalid();
  return key;
}
