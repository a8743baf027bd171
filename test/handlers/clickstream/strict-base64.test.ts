// The processor decodes a record's data only when it is padded base64 as RFC 4648 §4 writes it
// (what Lambda sends); isStrictBase64 checks that from the decoded length instead of a regular
// expression, so it is held here to the expression it replaced, on text built to hit its edges.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { isStrictBase64 } from "../../../handlers/clickstream/decode-record";

/** RFC 4648 §4 base64 with padding: the definition. */
const rfc4648Base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const check = (text: string) => isStrictBase64(text, Buffer.from(text, "base64"));

/** Base64 characters, padding, the URL alphabet, whitespace and other characters Node's decoder may skip. */
const nearBase64Char = fc.constantFrom(
  ..."AZaz09+/QRgw".split(""),
  "=",
  "-",
  "_",
  " ",
  "\n",
  "\t",
  ".",
  "é",
  "\u0000",
  "✓",
  "\ud800",
);

describe("isStrictBase64", () => {
  it("accepts the canonical encoding of any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        assert.equal(check(Buffer.from(bytes).toString("base64")), true);
      }),
      { numRuns: 5_000 },
    );
  });

  it("agrees with the RFC 4648 expression on text near base64", () => {
    fc.assert(
      fc.property(fc.array(nearBase64Char, { maxLength: 16 }), (chars) => {
        const text = chars.join("");
        assert.equal(check(text), rfc4648Base64.test(text), JSON.stringify(text));
      }),
      { numRuns: 100_000 },
    );
  });

  it("agrees with it on a valid encoding with one character changed, added or removed", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 48 }),
        fc.nat(),
        nearBase64Char,
        fc.constantFrom("replace", "insert", "delete"),
        (bytes, at, char, edit) => {
          const valid = Buffer.from(bytes).toString("base64");
          const i = at % valid.length;
          const text =
            edit === "replace"
              ? valid.slice(0, i) + char + valid.slice(i + 1)
              : edit === "insert"
                ? valid.slice(0, i) + char + valid.slice(i)
                : valid.slice(0, i) + valid.slice(i + 1);
          assert.equal(check(text), rfc4648Base64.test(text), JSON.stringify(text));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("refuses the URL alphabet, missing padding, and padding inside the text", () => {
    for (const text of ["ab-_", "YWI", "YQ", "YQ=", "Y===", "====", "YQ==YQ==", "YW=i", " YWJj", "YWJj\n"])
      assert.equal(check(text), false, JSON.stringify(text));
    for (const text of ["", "YQ==", "YWI=", "YWJj", "+/+/"]) assert.equal(check(text), true, JSON.stringify(text));
  });
});
