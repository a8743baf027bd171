// Reading resource properties the way the analyzer hands them over: during `pulumi preview`
// any value computed by AWS (ids, ARNs, documents built from them) is unknown, and touching it
// throws UnknownValueError, which would abort the whole policy. Rules that can still judge a
// resource from its other properties read the computed ones through `peek`.
import { UnknownValueError } from "@pulumi/policy";

/** `read()`'s value, or undefined when it is unknown during preview. */
export function peek<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return undefined;
    throw e;
  }
}

/** True when reading `read()` hits a value unknown during preview. */
export function isUnknown(read: () => unknown): boolean {
  try {
    // Walk the value: a nested unknown (e.g. one ARN in a list) counts too.
    JSON.stringify(read());
    return false;
  } catch (e) {
    if (e instanceof UnknownValueError) return true;
    throw e;
  }
}

export const asArray = <T>(v: T | T[] | undefined | null): T[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];

/** Provider and nested-object inputs sometimes arrive JSON-encoded (e.g. provider defaultTags). */
export function parseMaybeJson(value: unknown): any {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** For "must be set" checks: a value unknown during preview will be set (it is computed). */
export const present = (read: () => unknown): boolean => isUnknown(read) || Boolean(peek(read));
