// The analyst's grant: exactly what running the workgroup's queries over the lake tables and
// reading their results takes, and nothing else (no other workgroup, database or prefix).
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "./lib/iam";

export interface AnalystGrantArgs {
  region: string;
  accountId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  workgroupName: pulumi.Input<string>;
  databaseName: pulumi.Input<string>;
  tableNames: string[];
  lake: { bucketArn: pulumi.Input<string>; keyArn: pulumi.Input<string>; prefixes: string[] };
  results: { bucketArn: pulumi.Input<string>; keyArn: pulumi.Input<string>; prefix: string };
  /** The Athena actions granted on the workgroup; default the analyst's (narrower for a function that needs fewer). */
  athenaActions?: string[];
}

/** Running and reading queries in one workgroup (Athena's actions on workgroup resources). */
export const analystAthenaActions = [
  "athena:BatchGetNamedQuery",
  "athena:BatchGetQueryExecution",
  "athena:GetNamedQuery",
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
  "athena:GetQueryResultsStream",
  "athena:GetWorkGroup",
  "athena:ListNamedQueries",
  "athena:ListQueryExecutions",
  "athena:StartQueryExecution",
  "athena:StopQueryExecution",
];
/** What Athena asks Glue, with the caller's credentials, to plan a query (no partitions: they are projected). */
export const analystGlueActions = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables"];

export function analystStatements(a: AnalystGrantArgs): PolicyStatement[] {
  const glue = (path: pulumi.Input<string>) =>
    pulumi.interpolate`arn:${a.partition}:glue:${a.region}:${a.accountId}:${path}`;
  const viaS3 = { StringEquals: { "kms:ViaService": `s3.${a.region}.amazonaws.com` } };
  return [
    {
      Sid: "RunQueriesInTheWorkgroup",
      Action: a.athenaActions ?? analystAthenaActions,
      Resource: pulumi.interpolate`arn:${a.partition}:athena:${a.region}:${a.accountId}:workgroup/${a.workgroupName}`,
    },
    {
      Sid: "ReadTheLakeTables",
      Action: analystGlueActions,
      Resource: [
        glue("catalog"),
        glue(pulumi.interpolate`database/${a.databaseName}`),
        ...a.tableNames.map((t) => glue(pulumi.interpolate`table/${a.databaseName}/${t}`)),
      ],
    },
    { Sid: "LocateTheLake", Action: "s3:GetBucketLocation", Resource: a.lake.bucketArn },
    {
      Sid: "ListTheTablePrefixes",
      Action: "s3:ListBucket",
      Resource: a.lake.bucketArn,
      Condition: { StringLike: { "s3:prefix": a.lake.prefixes.flatMap((p) => [p, `${p}*`]) } },
    },
    {
      Sid: "ReadTheTableObjects",
      Action: "s3:GetObject",
      Resource: a.lake.prefixes.map((p) => pulumi.interpolate`${a.lake.bucketArn}/${p}*`),
    },
    { Sid: "DecryptTheLake", Action: "kms:Decrypt", Resource: a.lake.keyArn, Condition: viaS3 },
    {
      Sid: "UseTheResultsBucket",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      Resource: a.results.bucketArn,
    },
    {
      Sid: "WriteAndReadResults",
      Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
      Resource: pulumi.interpolate`${a.results.bucketArn}/${a.results.prefix}*`,
    },
    {
      Sid: "EncryptResults",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: a.results.keyArn,
      Condition: viaS3,
    },
  ];
}
