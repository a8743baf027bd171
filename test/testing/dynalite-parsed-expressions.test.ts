// The transactions emulator's memo of dynalite's expression parsing
// (testing/dynalite-parsed-expressions.ts): a hit must be exactly what dynalite's own parse of
// that request gives, and share nothing mutable with an earlier request.
import { strict as assert } from "node:assert";
import { maxParsedExpressions, ParsedExpressions } from "../../testing/dynalite-parsed-expressions";

// biome-ignore lint/style/noCommonJs: dynalite ships no types
const validations = require("dynalite/validations");

type Request = Record<string, any>;
const copy = (request: Request): Request => JSON.parse(JSON.stringify(request));
const parsedMembers = ["_updates", "_condition", "_keyCondition", "_filter", "_projection"];

/** dynalite's own answer for `request`: the message, or the parsed members it set. */
function dynalites(request: Request): { message?: string; parsed: Request } {
  const data = copy(request);
  const message = validations.validateExpressions(data);
  return { message, parsed: Object.fromEntries(parsedMembers.filter((m) => m in data).map((m) => [m, data[m]])) };
}

/** Every plain object in `tree` with its prototype (null or Object), so deepEqual also compares prototypes. */
function shapes(tree: unknown): unknown {
  if (typeof tree !== "object" || tree === null) return tree;
  if (Array.isArray(tree)) return tree.map(shapes);
  return {
    prototype: Object.getPrototypeOf(tree) === null ? "null" : "Object",
    members: Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, shapes(v)])),
  };
}

function objectsOf(tree: unknown, into = new Set<object>()): Set<object> {
  if (typeof tree === "object" && tree !== null) {
    into.add(tree);
    for (const v of Object.values(tree)) objectsOf(v, into);
  }
  return into;
}

const n = (value: number) => ({ N: String(value) });
const requests: Request[] = [
  {
    ConditionExpression: "attribute_not_exists(id) OR expiration < :now",
    ExpressionAttributeValues: { ":now": n(1_700_000_000) },
  },
  { ConditionExpression: "attribute_not_exists(orderId)" },
  {
    UpdateExpression: "SET stock = stock - :quantity",
    ConditionExpression: "stock >= :quantity",
    ExpressionAttributeValues: { ":quantity": n(2) },
  },
  { ConditionExpression: "priceCents = :price", ExpressionAttributeValues: { ":price": n(2400) } },
  {
    UpdateExpression:
      "SET #s = :s, #l = list_append(if_not_exists(#l, :empty), :more) REMOVE previous ADD visits :one DELETE labels :t",
    ConditionExpression: "#s IN (:a, :b) AND size(#l) < :max AND begins_with(#n.x[1], :p) AND NOT contains(labels, :c)",
    ExpressionAttributeNames: { "#s": "status", "#l": "log", "#n": "nested" },
    ExpressionAttributeValues: {
      ":s": { S: "SHIPPED" },
      ":empty": { L: [] },
      ":more": { L: [{ M: { at: { S: "now" } } }] },
      ":one": n(1),
      ":t": { SS: ["x"] },
      ":a": { S: "PLACED" },
      ":b": { S: "PAID" },
      ":max": n(10),
      ":p": { S: "ab" },
      ":c": { S: "c" },
    },
  },
  {
    ConditionExpression: "#v BETWEEN :lo AND :hi AND attribute_type(#v, :type)",
    ExpressionAttributeNames: { "#v": "version" },
    ExpressionAttributeValues: { ":lo": n(1), ":hi": n(5), ":type": { S: "N" } },
  },
  // A key attribute named like an Object.prototype member: dynalite's path sets have no prototype.
  {
    UpdateExpression: "SET #c.deep = :v",
    ExpressionAttributeNames: { "#c": "constructor" },
    ExpressionAttributeValues: { ":v": n(1) },
  },
];

describe("testing: the emulator's memo of parsed expressions", () => {
  it("answers a repeated request with exactly dynalite's parse of it, prototypes included", () => {
    const memo = new ParsedExpressions();
    for (const request of requests) {
      const expected = dynalites(request);
      assert.equal(expected.message, undefined, `fixture parses: ${JSON.stringify(request)}`);
      for (let round = 0; round < 3; round++) {
        const data = copy(request);
        assert.equal(memo.validateExpressions(data), undefined);
        for (const member of parsedMembers)
          assert.deepEqual(shapes(data[member]), shapes(expected.parsed[member]), member);
      }
    }
    assert.equal(memo.misses, requests.length);
    assert.equal(memo.hits, 2 * requests.length);
  });

  it("a hit holds this request's own value objects and shares nothing else with an earlier request", () => {
    const memo = new ParsedExpressions();
    const request = requests[2];
    const first = copy(request);
    memo.validateExpressions(first);
    const second = copy(request);
    memo.validateExpressions(second);
    assert.equal(memo.hits, 1);
    // Where dynalite's parser puts a value, it puts the request's own object.
    assert.equal(second._condition.expression.args[1], second.ExpressionAttributeValues[":quantity"]);
    assert.equal(second._updates.sections[0].val.args[1], second.ExpressionAttributeValues[":quantity"]);
    const earlier = objectsOf([first._updates, first._condition, first.ExpressionAttributeValues]);
    for (const object of objectsOf([second._updates, second._condition])) assert.ok(!earlier.has(object));
    // dynalite's UpdateItem rewrites its sections while applying them: the next hit is untouched.
    second._updates.sections[0].val = { N: "98" };
    const third = copy(request);
    memo.validateExpressions(third);
    assert.deepEqual(third._updates, dynalites(request).parsed._updates);
  });

  it("is keyed on the exact text, names and values: another value is parsed again, and refused where dynalite refuses it", () => {
    const memo = new ParsedExpressions();
    const between = requests[5];
    assert.equal(memo.validateExpressions(copy(between)), undefined);
    // The same expression and shape, bounds reversed: dynalite refuses it, so must the memo.
    const reversed = { ...copy(between), ExpressionAttributeValues: { ":lo": n(9), ":hi": n(5), ":type": { S: "N" } } };
    const message = memo.validateExpressions(copy(reversed));
    assert.match(String(message), /BETWEEN operator requires upper bound to be greater than or equal to lower bound/);
    assert.equal(message, dynalites(reversed).message);
    const otherName = { ...copy(between), ExpressionAttributeNames: { "#v": "other" } };
    const data = copy(otherName);
    memo.validateExpressions(data);
    assert.deepEqual(data._condition.expression.args[0].args[0], ["other"]);
    assert.equal(memo.hits, 0);
  });

  it("keeps no refusal: an invalid expression is refused with dynalite's message every time", () => {
    const memo = new ParsedExpressions();
    const invalid = { ConditionExpression: "attribute_not_exists(id) AND :unset = x" };
    const expected = dynalites(invalid).message;
    assert.match(String(expected), /expression attribute value used in expression is not defined/);
    assert.equal(memo.validateExpressions(copy(invalid)), expected);
    assert.equal(memo.validateExpressions(copy(invalid)), expected);
    assert.equal(memo.size, 0);
    assert.equal(memo.misses, 2);
  });

  it(`keeps at most ${maxParsedExpressions} requests, dropping the least recently used`, () => {
    const memo = new ParsedExpressions();
    const request = (i: number) => ({
      ConditionExpression: "priceCents = :price",
      ExpressionAttributeValues: { ":price": n(i) },
    });
    memo.validateExpressions(request(0));
    for (let i = 1; i <= maxParsedExpressions; i++) {
      memo.validateExpressions(request(i));
      if (i === maxParsedExpressions / 2) memo.validateExpressions(request(0)); // used again: kept
    }
    assert.equal(memo.size, maxParsedExpressions);
    const hits = memo.hits;
    memo.validateExpressions(request(0));
    assert.equal(memo.hits, hits + 1, "the entry used recently is kept");
    memo.validateExpressions(request(1));
    assert.equal(memo.hits, hits + 1, "the least recently used entry was dropped");
  });

  it("puts dynalite's validateExpressions back after the validation, also when it throws", () => {
    const dynalites = validations.validateExpressions;
    const memo = new ParsedExpressions();
    assert.throws(() =>
      memo.during(() => {
        assert.equal(validations.validateExpressions, memo.validateExpressions);
        throw new Error("refused");
      }),
    );
    assert.equal(validations.validateExpressions, dynalites);
  });
});
