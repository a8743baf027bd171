// How the tests and the npm scripts load TypeScript (`node -r ./testing/typescript-loader.cjs`):
// esbuild strips the types, as ts-node --transpile-only did, at half its cost (type-checking
// is `npm run typecheck`'s job). import() becomes require(), as tsc compiles it for CommonJS
// (tsconfig.json: "module": "commonjs"): the module a static import gets, not a second ESM copy.
require("esbuild-register/dist/node").register({ supported: { "dynamic-import": false } });
