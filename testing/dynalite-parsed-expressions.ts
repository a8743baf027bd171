// A memo of dynalite's expression parsing for the transactions emulator. dynalite parses every
// condition and update expression with a PEG parser on every call (about 60 µs each, a third of a
// new order's six-action transaction); a shop's transactions send the same few expressions with
// the same few values over and over.
//
// Why it cannot change an answer: dynalite's `validateExpressions(data)` is a deterministic
// function of the request's expressions, ExpressionAttributeNames and ExpressionAttributeValues
// (it checks the values, parses each expression against them, and sets `data._updates`,
// `_condition`, ...). The memo is keyed on exactly those members (their exact text and values,
// not their shapes), so a hit is a request dynalite would have parsed to the same result. A hit
// gets a fresh copy of that result, with the request's own value objects where the parser put
// the values (so nothing of one request is shared with another, and updates that rewrite their
// parsed sections, as dynalite's UpdateItem does, rewrite only their own). Refused expressions
// are not kept: each is parsed again and refused with dynalite's own message.
// biome-ignore lint/style/noCommonJs: dynalite ships no types; its modules are loaded as CommonJS
const validations = require("dynalite/validations");
const dynalitesValidateExpressions: (data: Record<string, any>) => string | undefined = validations.validateExpressions;

type Tree = unknown;

/** What validateExpressions reads from a request, and what it writes on success. */
const expressionMembers = [
  "UpdateExpression",
  "ConditionExpression",
  "KeyConditionExpression",
  "FilterExpression",
  "ProjectionExpression",
] as const;
const parsedMembers = ["_updates", "_condition", "_keyCondition", "_filter", "_projection"] as const;

/** Enough for every distinct expression and value a local shop sends within a while; oldest dropped first. */
export const maxParsedExpressions = 2000;

/** Where the parser put the value named `name` (the request's own object, by identity). */
class ValueSlot {
  constructor(readonly name: string) {}
}

/** The result with the request's value objects replaced by slots, everything else copied. */
function withSlots(tree: Tree, slotOf: Map<object, ValueSlot>): Tree {
  if (typeof tree !== "object" || tree === null) return tree;
  const slot = slotOf.get(tree);
  if (slot) return slot;
  if (Array.isArray(tree)) return tree.map((t) => withSlots(t, slotOf));
  // dynalite's path sets are prototype-less maps (a key attribute named "constructor" must not be found in them).
  const copy: Record<string, unknown> = Object.getPrototypeOf(tree) === null ? Object.create(null) : {};
  for (const key of Object.keys(tree)) copy[key] = withSlots((tree as Record<string, unknown>)[key], slotOf);
  return copy;
}

/** A fresh copy of a kept result, each slot filled with this request's value object of that name. */
function filled(tree: Tree, values: Record<string, unknown>): Tree {
  if (typeof tree !== "object" || tree === null) return tree;
  if (tree instanceof ValueSlot) return values[tree.name];
  if (Array.isArray(tree)) return tree.map((t) => filled(t, values));
  const copy: Record<string, unknown> = Object.getPrototypeOf(tree) === null ? Object.create(null) : {};
  for (const key of Object.keys(tree)) copy[key] = filled((tree as Record<string, unknown>)[key], values);
  return copy;
}

type Parsed = Partial<Record<(typeof parsedMembers)[number], Tree>>;

export class ParsedExpressions {
  private readonly kept = new Map<string, Parsed>();
  /** Requests answered from the memo, and parsed by dynalite. */
  hits = 0;
  misses = 0;

  /** How many parsed requests are kept. */
  get size(): number {
    return this.kept.size;
  }

  /** dynalite's validateExpressions(data), answered from the memo where the same request was parsed before. */
  readonly validateExpressions = (data: Record<string, any>): string | undefined => {
    const key = JSON.stringify([
      ...expressionMembers.map((m) => data[m] ?? null),
      data.ExpressionAttributeNames ?? null,
      data.ExpressionAttributeValues ?? null,
    ]);
    const values = data.ExpressionAttributeValues ?? {};
    const kept = this.kept.get(key);
    if (kept) {
      this.hits++;
      // Most recently used last: the oldest entry is the first a full memo drops.
      this.kept.delete(key);
      this.kept.set(key, kept);
      for (const member of parsedMembers) if (member in kept) data[member] = filled(kept[member], values);
      return undefined;
    }
    this.misses++;
    const message = dynalitesValidateExpressions(data);
    if (message) return message;
    const slotOf = new Map<object, ValueSlot>(
      Object.entries(values).map(([name, value]) => [value as object, new ValueSlot(name)]),
    );
    const parsed: Parsed = {};
    for (const member of parsedMembers)
      if (data[member] !== undefined) parsed[member] = withSlots(data[member], slotOf);
    this.kept.set(key, parsed);
    if (this.kept.size > maxParsedExpressions) this.kept.delete(this.kept.keys().next().value as string);
    return undefined;
  };

  /**
   * Runs dynalite's synchronous `validate` (checkValidations with an action's custom rules) with
   * this memo in place of dynalite's validateExpressions, which the custom rules call through
   * the module's exports; put back before anything else can run.
   */
  during<T>(validate: () => T): T {
    validations.validateExpressions = this.validateExpressions;
    try {
      return validate();
    } finally {
      validations.validateExpressions = dynalitesValidateExpressions;
    }
  }
}
