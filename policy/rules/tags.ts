// Tags: every tag a resource would be created with, its own and its provider's default tags,
// within AWS's tag character set and lengths. A value AWS refuses (e.g. prose with
// parentheses on an SQS queue) fails the create of that resource and of everything waiting
// on it, and no mock sees it.
import { tagProblems } from "../../components/lib/aws-tags";
import { resourceRule } from "../lib/define";
import { parseMaybeJson, peek } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const isProvider = (type: string) => type.startsWith("pulumi:providers:");

export const tagRules: PackPolicy[] = [
  resourceRule({
    name: "tags-valid",
    service: "tags",
    maps: "none: AWS tag rules (no cdk-nag or checkov counterpart)",
    level: "mandatory",
    description:
      "Every tag key and value (the resource's own and its provider's default tags) is 1-128 / 0-256 characters of letters, digits, spaces and _ . : / = + - @, without the reserved aws: prefix.",
    remediation:
      "Tags carry slugs (e.g. purpose: search-indexer-failures); put prose in a description or the README. Fix aws:defaultTags in Pulumi.<stack>.yaml or the resource's tags.",
    types: ["*"],
    validate: (props, args, report) => {
      // A provider's own defaultTags are judged on the provider; other resources report
      // the tags they carry themselves plus the ones their provider adds.
      const ownTags = isProvider(args.type)
        ? parseMaybeJson(peek(() => props.defaultTags))?.tags
        : peek(() => props.tags);
      const defaults = isProvider(args.type)
        ? undefined
        : parseMaybeJson(peek(() => args.provider?.props?.defaultTags))?.tags;
      for (const problem of tagProblems(ownTags)) report(`Tag ${problem}.`);
      for (const problem of tagProblems(defaults))
        report(`Default tag of provider ${args.provider?.name}: ${problem}.`);
    },
  }),
];
