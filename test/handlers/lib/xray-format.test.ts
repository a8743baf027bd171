// The documented formats our X-Ray emitter reads and writes (X-Ray developer guide): the
// tracing header Lambda gives and downstream requests carry, the daemon address, the daemon's
// datagram framing, and the limits of a segment document (64 kB, 250-character strings,
// alphanumeric annotation keys).
import { strict as assert } from "node:assert";
import { daemonHeader, maxDocumentBytes, parseDaemonAddress } from "../../../handlers/lib/xray-daemon";
import { fitDocument, stackFrames, Subsegment, type SubsegmentDocument } from "../../../handlers/lib/xray-subsegment";
import { formatTraceHeader, parseTraceHeader } from "../../../handlers/lib/xray-trace-header";

const root = "1-5759e988-bd862e3fe1be46a994272793";

describe("X-Ray formats", () => {
  describe("tracing header", () => {
    it("reads Root, Parent and Sampled, and keeps further fields (Lambda's Lineage) in order", () => {
      const header = parseTraceHeader(`Root=${root};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0`);
      assert.deepEqual(header, {
        root,
        parent: "53995c3f42cd8ad8",
        sampled: true,
        extra: [["Lineage", "a87bd80c:0"]],
      });
      assert.equal(formatTraceHeader(header!), `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0`);
    });

    it("reads Sampled=0 as not sampled and a header without Sampled as undecided", () => {
      assert.equal(parseTraceHeader(`Root=${root};Parent=53995c3f42cd8ad8;Sampled=0`)?.sampled, false);
      assert.equal(parseTraceHeader(`Root=${root}`)?.sampled, undefined);
    });

    it("refuses a Root or Parent not in X-Ray's format (version 1, 8 + 24 hex digits; 16 hex digits)", () => {
      assert.equal(parseTraceHeader("Root=2-5759e988-bd862e3fe1be46a994272793;Sampled=1"), undefined);
      assert.equal(parseTraceHeader("Root=1-5759e98-bd862e3fe1be46a994272793;Sampled=1"), undefined);
      assert.equal(parseTraceHeader(`Root=${root};Parent=53995c3f42cd8ad;Sampled=1`), undefined);
      assert.equal(parseTraceHeader("Sampled=1"), undefined);
    });
  });

  describe("daemon address", () => {
    it("reads host:port, as Lambda sets AWS_XRAY_DAEMON_ADDRESS", () => {
      assert.deepEqual(parseDaemonAddress("169.254.79.129:2000"), { host: "169.254.79.129", port: 2000 });
    });
    it("reads the UDP address of the `tcp:host:port udp:host:port` form", () => {
      assert.deepEqual(parseDaemonAddress("tcp:127.0.0.1:2000 udp:127.0.0.2:2001"), { host: "127.0.0.2", port: 2001 });
    });
    it("refuses what is no address", () => {
      for (const value of [undefined, "", "localhost", "host:0", "host:70000", "tcp:127.0.0.1:2000 tcp:127.0.0.1:2001"])
        assert.equal(parseDaemonAddress(value), undefined, String(value));
    });
  });

  it('frames a datagram with the daemon header `{"format": "json", "version": 1}` and a newline', () => {
    assert.deepEqual(JSON.parse(daemonHeader.slice(0, -1)), { format: "json", version: 1 });
    assert.equal(daemonHeader.at(-1), "\n");
    assert.equal(daemonHeader.indexOf("\n"), daemonHeader.length - 1);
  });

  describe("subsegment document", () => {
    const sent: SubsegmentDocument[] = [];
    const sink = { send: (document: object) => sent.push(document as SubsegmentDocument) };
    beforeEach(() => sent.splice(0));

    it("has the fields an independent subsegment requires: type, 16-hex id, trace_id, parent_id, name, epoch-second times", () => {
      const before = Date.now() / 1000;
      const subsegment = new Subsegment({ root, parent: "53995c3f42cd8ad8", extra: [] }, "DynamoDB", sink);
      subsegment.close();
      subsegment.close();
      assert.equal(sent.length, 1, "sent once, however often closed");
      const [doc] = sent;
      assert.equal(doc.type, "subsegment");
      assert.match(doc.id, /^[0-9a-f]{16}$/);
      assert.equal(doc.id, subsegment.id);
      assert.equal(doc.trace_id, root);
      assert.equal(doc.parent_id, "53995c3f42cd8ad8");
      assert.equal(doc.name, "DynamoDB");
      assert.ok(doc.start_time >= before - 1 && doc.start_time <= doc.end_time!, "seconds, start before end");
      assert.ok(doc.end_time! <= Date.now() / 1000 + 1);
    });

    it("carries the header of a downstream call: this trace, this subsegment as Parent, sampled, Lineage kept", () => {
      const subsegment = new Subsegment(
        { root, parent: "53995c3f42cd8ad8", extra: [["Lineage", "a87bd80c:0"]] },
        "x",
        sink,
      );
      assert.equal(subsegment.traceHeader, `Root=${root};Parent=${subsegment.id};Sampled=1;Lineage=a87bd80c:0`);
    });

    it("flags a status as documented: 4XX error, 429 throttle (and error), 5XX fault, 2XX nothing", () => {
      const flags = (status: number) => {
        const s = new Subsegment({ root, parent: "53995c3f42cd8ad8", extra: [] }, "x", sink);
        s.recordStatus(status);
        s.close();
        const { error, throttle, fault } = sent.pop()!;
        return { error, throttle, fault };
      };
      assert.deepEqual(flags(200), { error: undefined, throttle: undefined, fault: undefined });
      assert.deepEqual(flags(404), { error: true, throttle: undefined, fault: undefined });
      assert.deepEqual(flags(429), { error: true, throttle: true, fault: undefined });
      assert.deepEqual(flags(503), { error: undefined, throttle: undefined, fault: true });
    });

    it("records an exception as the cause: 16-hex id, type, message, remote, stack frames; no status means fault", () => {
      const s = new Subsegment({ root, parent: "53995c3f42cd8ad8", extra: [] }, "x", sink);
      const err = new TypeError("boom");
      s.recordError(err, false);
      s.close();
      const [doc] = sent;
      assert.equal(doc.fault, true);
      const [exception] = doc.cause!.exceptions;
      assert.match(exception.id, /^[0-9a-f]{16}$/);
      assert.equal(exception.type, "TypeError");
      assert.equal(exception.message, "boom");
      assert.equal(exception.remote, false);
      assert.ok(
        exception.stack!.length > 0 && exception.stack!.every((f) => typeof f.path === "string" && f.line! > 0),
      );
    });

    it("keeps only annotation keys filters can use (alphanumeric and underscore)", () => {
      const s = new Subsegment({ root, parent: "53995c3f42cd8ad8", extra: [] }, "x", sink);
      s.annotate("statusCode", 201);
      s.annotate("Cold_Start", true);
      s.annotate("has space", "x");
      s.annotate("dash-ed", "x");
      s.close();
      assert.deepEqual(sent[0].annotations, { statusCode: 201, Cold_Start: true });
    });

    it("cuts a name to 250 characters", () => {
      new Subsegment({ root, parent: "53995c3f42cd8ad8", extra: [] }, "n".repeat(400), sink).close();
      assert.equal(sent[0].name.length, 250);
    });
  });

  describe("the 64 kB limit of a segment document", () => {
    const base: SubsegmentDocument = {
      type: "subsegment",
      id: "0123456789abcdef",
      trace_id: root,
      parent_id: "53995c3f42cd8ad8",
      name: "DynamoDB",
      start_time: 1,
      end_time: 2,
      namespace: "aws",
      fault: true,
    };
    const size = (d: object) => Buffer.byteLength(JSON.stringify(d));

    it("sends a document within the limit unchanged", () => {
      const doc = {
        ...base,
        cause: { exceptions: [{ id: "0123456789abcdef", message: "m", stack: [{ path: "a", line: 1 }] }] },
      };
      assert.equal(fitDocument(doc), doc);
    });

    it("drops the stack frames of an over-size document first, counting them in `truncated`", () => {
      const stack = Array.from({ length: 2_000 }, (_, i) => ({ path: `/var/task/index.js`, line: i, label: "frame" }));
      const fitted = fitDocument({ ...base, cause: { exceptions: [{ id: "0123456789abcdef", message: "m", stack }] } });
      assert.ok(size(fitted) <= maxDocumentBytes);
      assert.deepEqual(fitted.cause!.exceptions, [{ id: "0123456789abcdef", message: "m", truncated: 2_000 }]);
      assert.equal(fitted.fault, true);
    });

    it("then cuts exception messages to 250 characters", () => {
      const fitted = fitDocument({
        ...base,
        cause: { exceptions: [{ id: "0123456789abcdef", message: "x".repeat(100_000) }] },
      });
      assert.ok(size(fitted) <= maxDocumentBytes);
      assert.equal(fitted.cause!.exceptions[0].message, "x".repeat(250));
    });

    it("at worst keeps the required fields, namespace and flags: the call is never lost", () => {
      const fitted = fitDocument({ ...base, http: { request: { url: `https://h/${"p".repeat(100_000)}` } } });
      assert.ok(size(fitted) <= maxDocumentBytes);
      assert.deepEqual(fitted, base);
    });

    it("fits the datagram, header included, in one UDP packet over IPv4 (65,507 bytes)", () => {
      assert.ok(Buffer.byteLength(daemonHeader) + maxDocumentBytes <= 65_507);
    });
  });

  it("reads V8 stack frames: label, path and line", () => {
    const frames = stackFrames("Error: x\n    at handler (/var/task/index.js:12:5)\n    at /var/task/lib.js:3:9");
    assert.deepEqual(frames, [
      { label: "handler", path: "/var/task/index.js", line: 12 },
      { label: undefined, path: "/var/task/lib.js", line: 3 },
    ]);
  });
});
