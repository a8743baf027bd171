// package.json's dependencies are what `pulumi up` needs: `npm ci --omit=dev` must be enough to
// run the program and build every bundle, and nothing in them is dead weight.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { builtinModules } from "node:module";
import { repoRoot } from "../components/lib/bundle";

/** What `pulumi up` runs or bundles: the program, each handler's entry and the storefront's entry. */
const entries = [
  "index.ts",
  ...fs.readdirSync(path.join(repoRoot, "handlers")).map((dir) => `handlers/${dir}/index.ts`),
  "site/src/main.tsx",
].filter((entry) => fs.existsSync(path.join(repoRoot, entry)));
/** Packages that only provide types (from @types/*), never loaded at run time. */
const typeOnly = new Set(["aws-lambda"]);

const relativeSpecifiers = (source: string) =>
  [...source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);

/** Every source file the entries reach through relative imports. */
function reachable(start: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of relativeSpecifiers(fs.readFileSync(file, "utf8"))) {
      const base = path.resolve(path.dirname(file), specifier);
      const found = [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find(
        (f) => /\.tsx?$/.test(f) && fs.existsSync(f),
      );
      if (found) visit(found);
    }
  };
  for (const entry of start) visit(path.join(repoRoot, entry));
  return [...seen];
}

/** Package name → files importing it (with `types`, type-only imports as well). */
function importsOf(files: string[], options: { types: boolean }): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    const source = fs.readFileSync(file, "utf8");
    const specifiers = [
      ...source.matchAll(
        options.types
          ? /^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms
          : /^\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms,
      ),
      ...source.matchAll(/^\s*import\s+"([^"]+)"/gm),
      ...source.matchAll(/\brequire(?:\.resolve)?\(\s*"([^"]+)"\s*\)/g),
    ].map((m) => m[1]);
    for (const specifier of specifiers) {
      if (specifier.startsWith(".") || specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
      const parts = specifier.split("/");
      const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
      if (typeOnly.has(name) && !options.types) continue;
      found.set(name, [...(found.get(name) ?? []), path.relative(repoRoot, file)]);
    }
  }
  return found;
}

describe("package.json", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const files = reachable(entries);
  const imports = importsOf(files, { types: false });
  const anyImports = importsOf(files, { types: true });

  it("every package the program or a bundle loads is a dependency, not a devDependency", () => {
    for (const area of ["components", "handlers", "site/src"]) {
      assert.ok(
        files.some((f) => f.startsWith(path.join(repoRoot, area))),
        `the import walk from ${entries.join(", ")} never reaches ${area}/`,
      );
    }
    const missing = [...imports]
      .filter(([name]) => !pkg.dependencies[name])
      .map(([name, files]) => `${name} (${files[0]})`);
    assert.deepEqual(missing, [], "install these with npm install --save");
  });

  // A package imported only for its types stays a dependency: `pulumi up` type-checks the program.
  it("every dependency is imported by the program or a bundle (test and local-mode tools are devDependencies)", () => {
    const unused = Object.keys(pkg.dependencies).filter((name) => !anyImports.has(name));
    assert.deepEqual(unused, [], "move these to devDependencies, or drop them");
  });
});
