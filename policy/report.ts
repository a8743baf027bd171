// `npm run policy -- dev|prod [--preview]`: runs the pack over everything the program registers
// for the stack (under the test mocks, no cloud access) and prints the findings table,
// advisory and suppressed included. Exits 1 if a mandatory finding is not suppressed.
import { analyze, blocking, type Finding } from "./evaluate";
import { policies } from "./policies";
import { programResources } from "./stack-resources";

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(rows[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

const order = (f: Finding) => (f.suppressedBecause ? 2 : f.level === "mandatory" ? 0 : 1);

async function main() {
  const args = process.argv.slice(2);
  const stack = args.find((a) => !a.startsWith("-"));
  if (stack !== "dev" && stack !== "prod") {
    console.error("usage: npm run policy -- dev|prod [--preview]");
    process.exit(2);
  }
  const preview = args.includes("--preview");
  const resources = await programResources(stack, { preview });
  const findings = (await analyze(resources)).sort((a, b) => order(a) - order(b) || a.policy.localeCompare(b.policy));
  console.log(
    `Policy pack over stack ${stack}${preview ? " (preview)" : ""}: ${policies.length} policies, ${resources.length} resources\n`,
  );
  if (findings.length > 0) {
    console.log(
      table([
        ["level", "policy", "resource", "finding", "counterpart"],
        ...findings.map((f) => [
          f.suppressedBecause ? `${f.level} (suppressed)` : f.level,
          f.policy,
          f.urn ? `${f.urn.split("::").pop()} (${f.urn.split("::")[2].split("$").pop()})` : "(stack)",
          f.suppressedBecause ? `${f.message} Suppressed: ${f.suppressedBecause}` : f.message,
          f.maps,
        ]),
      ]),
    );
  }
  const mandatory = blocking(findings).length;
  const advisory = findings.filter((f) => f.level === "advisory" && !f.suppressedBecause).length;
  const suppressed = findings.filter((f) => f.suppressedBecause).length;
  console.log(`\n${mandatory} mandatory, ${advisory} advisory, ${suppressed} suppressed`);
  process.exit(mandatory > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
