// `npm run docs`: rewrite Pulumi.yaml and README.md's config table from components/config.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import { renderPulumiYaml, replaceConfigTable } from "./config-docs";

const root = path.resolve(__dirname, "..");
fs.writeFileSync(path.join(root, "Pulumi.yaml"), renderPulumiYaml());
const readme = path.join(root, "README.md");
fs.writeFileSync(readme, replaceConfigTable(fs.readFileSync(readme, "utf8")));
console.log("Pulumi.yaml and README.md config table rewritten from components/config.ts");
