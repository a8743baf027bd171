// What a stateful resource keeps through `pulumi destroy`, decided here for every one of them
// from the stack's `protectData` (on in prod): `protect` makes the engine refuse to delete it,
// `retainOnDelete` leaves it in AWS when it leaves the stack. Each resource passes what it holds:
//   { parent: this, ...statefulOptions(config, "store") }
// Pulumi passes `protect` down to a component's children, never `retainOnDelete`: a component
// that wraps a store (PrivateBucket) hands it to the resource itself.
import type * as pulumi from "@pulumi/pulumi";

/** What a stateful resource holds, which decides what it is kept for. */
export const holdings = {
  /**
   * The shop's data, which nothing else can give back: tables, the search domain, the lake and
   * access-log buckets, and the customers' accounts (the user pool: passwords and MFA secrets
   * cannot be exported; Cognito's deletion protection refuses the delete as well).
   */
  store: { protect: true, retainOnDelete: true },
  /**
   * What lives on beside a protected store and is needed with it, but is not itself guarded: the
   * seeded stock rows (owned by the application once written), the lake's KMS key (the retained
   * lake cannot be read without it), Personalize's recorded interactions (the training data).
   */
  companion: { protect: false, retainOnDelete: true },
  /** Data in flight or made again: the stream (the lake keeps its events), Athena query results. */
  transient: { protect: false, retainOnDelete: false },
} as const;

export type Holding = keyof typeof holdings;

/**
 * The resource options of a stateful resource holding `holding`, for this stack. Only the options
 * its holding sets: others (a `protect` inherited from a parent) are left to Pulumi.
 */
export function statefulOptions(
  config: { protectData: boolean },
  holding: Holding,
): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  const h = holdings[holding];
  return {
    ...(h.protect ? { protect: config.protectData } : {}),
    ...(h.retainOnDelete ? { retainOnDelete: config.protectData } : {}),
  };
}
