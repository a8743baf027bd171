// The seam's measures, rerunnable by anyone (`npx ts-node --transpile-only scripts/seam-measures.ts`):
// how many shipping files (everything but test/, docs and the README) spell each value both
// sides of the component/handler seam must agree on, and the longest component constructors.
// A figure to read, never a pass/fail check.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const repoRoot = path.resolve(__dirname, "..");

/** Each contract value as it is spelled in source (quoted where a bare word would match prose). */
const contractValues: Record<string, string[]> = {
  "service name orders-api / orders": ['"orders-api"', 'default("orders")'],
  "service name clickstream-processor": ['"clickstream-processor"'],
  "service name search-indexer": ['"search-indexer"'],
  "service name search-access": ['"search-access"'],
  "service name catalog": ['serviceName = "catalog"', 'POWERTOOLS_SERVICE_NAME: "catalog"'],
  "metrics namespaces Ecommerce/*": ['"Ecommerce/'],
  "env POWERTOOLS_SERVICE_NAME": ["POWERTOOLS_SERVICE_NAME"],
  "env QUARANTINE_PREFIX": ["QUARANTINE_PREFIX"],
  "env PERSONALIZE_CONCURRENCY": ["PERSONALIZE_CONCURRENCY"],
  "env FIREHOSE_STREAM_NAME": ["FIREHOSE_STREAM_NAME"],
  "env OPENSEARCH_ENDPOINT": ["OPENSEARCH_ENDPOINT"],
  "env DEAD_LETTER_QUEUE_URL": ["DEAD_LETTER_QUEUE_URL"],
  "env IDEMPOTENCY_TTL_SECONDS": ["IDEMPOTENCY_TTL_SECONDS"],
  "quarantine/ prefix": ['"quarantine/"'],
  "Personalize concurrency 8": ["personalizeConcurrency = 8", "default(8)"],
  "Idempotency-Key header": ['"Idempotency-Key"', "Idempotency-Key,", 'Idempotency-Key"'],
  "admin group": ['"admin"'],
  "CORS allowed headers": ["X-Amz-Security-Token", "Authorization, Content-Type"],
  "route /orders/search": ['"/orders/search"'],
  "route /orders/{orderId}": ['"/orders/{orderId}"'],
  "route /orders": ['"/orders"'],
  "route /products": ['"/products"', '"/products/{sku}"'],
  "query names of GET /orders/search": ['"q", "status"'],
};

function filesSpelling(needles: string[]): string[] {
  const files = new Set<string>();
  for (const needle of needles) {
    let out = "";
    try {
      out = execFileSync(
        "git",
        ["grep", "-l", "-F", "--", needle, "--", ".", ":!test", ":!docs", ":!README.md", ":!scripts/seam-measures.ts"],
        { cwd: repoRoot, encoding: "utf8" },
      );
    } catch {
      // git grep exits 1 when nothing matches.
    }
    for (const file of out.split("\n").filter(Boolean)) files.add(file);
  }
  return [...files].sort();
}

function constructorLengths(): Array<{ file: string; cls: string; lines: number }> {
  const found: Array<{ file: string; cls: string; lines: number }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) {
        const source = ts.createSourceFile(full, fs.readFileSync(full, "utf8"), ts.ScriptTarget.Latest, true);
        const visit = (node: ts.Node) => {
          if (ts.isConstructorDeclaration(node) && ts.isClassDeclaration(node.parent)) {
            const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
            const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
            found.push({
              file: path.relative(repoRoot, full),
              cls: node.parent.name?.text ?? "?",
              lines: end - start + 1,
            });
          }
          ts.forEachChild(node, visit);
        };
        visit(source);
      }
    }
  };
  walk(path.join(repoRoot, "components"));
  return found.sort((a, b) => b.lines - a.lines);
}

console.log("| contract value | files | where |\n| --- | ---: | --- |");
for (const [label, needles] of Object.entries(contractValues)) {
  const files = filesSpelling(needles);
  console.log(`| ${label} | ${files.length} | ${files.join(", ")} |`);
}
console.log("\n| component constructor | lines |\n| --- | ---: |");
for (const c of constructorLengths().slice(0, 6)) console.log(`| ${c.cls} (${c.file}) | ${c.lines} |`);
