// The zod every handler bundle uses: `zod/mini`, zod 4's functional API. It is the same
// zod 4 core as the classic API (so classic helpers such as `z.toJSONSchema`, and code that
// reads a schema's definition, take these schemas as they are), but its checks are separate
// functions, so esbuild keeps only the ones a handler uses: ~25 KB of a bundle instead of the
// classic API's 85-98 KB. Import it from here as a namespace (`import * as z from
// "../lib/zod"`), never from "zod" or "zod/mini" directly. A namespace, because esbuild keeps
// only the members a bundle reads from it; a namespace object passed around as a value (an
// exported `z`) would keep all of zod/mini, every locale included (~430 KB).
//
// Mini loads no locale, and without one every issue reads "Invalid input". English is loaded
// here, once, so a 400 or a quarantine reason says what is wrong ("Too big: expected string to
// have <=64 characters"). Only English: the `z.locales` namespace would bundle every language
// (~260 KB). From "zod/locales" by name (not "zod/v4/locales/en.js"): under require() that
// resolves to zod's CommonJS build, the same copy of zod's core the rest of the process loads.
// Its message tables are built on the first issue, not at every cold start: only a refusal
// needs them.
import { en } from "zod/locales";
import { config } from "zod/mini";

let english: ReturnType<typeof en>["localeError"] | undefined;
config({
  localeError: (issue) => {
    english ??= en().localeError;
    return english(issue);
  },
});

export * from "zod/mini";
