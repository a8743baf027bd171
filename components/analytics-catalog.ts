// The Glue Data Catalog over the lake: one database, and the `events` and `quarantine` tables
// (analytics/lake-tables.ts) with partition projection, so Athena computes the partitions of a
// query from its `dt`/`hour` filter: no crawler, no MSCK REPAIR, no partition to add each hour.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { hiveType, lakeTables, type LakeLayout, type LakeTable } from "../analytics/lake-tables";

export interface LakeCatalogArgs {
  /** The lake bucket's name. */
  bucketName: pulumi.Input<string>;
  layout: LakeLayout;
  /** The first day partition projection covers (YYYY-MM-DD). */
  projectionStartDate: string;
  /** The database name: Athena identifiers are lower-case letters, digits and underscores. */
  databaseName: string;
}

/** Athena accepts lower-case letters, digits and underscores in database and table names. */
export const athenaIdentifier = /^[a-z0-9_]{1,255}$/;

/** A database name from the project and stack, in Athena's character set. */
export function lakeDatabaseName(project: string, stack: string): string {
  return `${project}_${stack}_clickstream`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/** The table parameters that turn on partition projection for `table` at `location`. */
export function projectionParameters(table: LakeTable, location: string, startDate: string): Record<string, string> {
  const parameters: Record<string, string> = {
    EXTERNAL: "TRUE",
    classification: "json",
    "projection.enabled": "true",
    "storage.location.template": `${location}${table.partitionTemplate}`,
  };
  for (const p of table.partitions) {
    if (p.projection === "date") {
      // Firehose and the quarantine write UTC days; NOW is evaluated at query time.
      Object.assign(parameters, {
        [`projection.${p.name}.type`]: "date",
        [`projection.${p.name}.format`]: "yyyy-MM-dd",
        [`projection.${p.name}.range`]: `${startDate},NOW`,
        [`projection.${p.name}.interval`]: "1",
        [`projection.${p.name}.interval.unit`]: "DAYS",
      });
    } else {
      // Firehose's !{timestamp:HH}: 00..23, zero-padded.
      Object.assign(parameters, {
        [`projection.${p.name}.type`]: "integer",
        [`projection.${p.name}.range`]: "0,23",
        [`projection.${p.name}.digits`]: "2",
      });
    }
  }
  return parameters;
}

export class LakeCatalog extends pulumi.ComponentResource {
  public readonly database: aws.glue.CatalogDatabase;
  public readonly tables: Record<LakeTable["name"], aws.glue.CatalogTable>;
  /** The S3 prefixes the tables read, e.g. ["events/", "quarantine/"]. */
  public readonly prefixes: string[];

  constructor(name: string, args: LakeCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:analytics:LakeCatalog", name, {}, opts);
    if (!athenaIdentifier.test(args.databaseName))
      throw new Error(`Glue database name ${args.databaseName} is not an Athena identifier`);
    this.database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      {
        // Named, not auto-named: Pulumi's suffix adds a hyphen, which Athena would need quoted.
        name: args.databaseName,
        description: "The clickstream data lake (events and quarantine), for Athena",
      },
      { parent: this },
    );

    const tables = lakeTables(args.layout);
    this.prefixes = tables.map((t) => t.prefix);
    const entries = tables.map((table) => {
      const location = pulumi.interpolate`s3://${args.bucketName}/${table.prefix}`;
      return [
        table.name,
        new aws.glue.CatalogTable(
          `${name}-${table.name}`,
          {
            // The named queries say `FROM events`: table names are part of the SQL.
            name: table.name,
            databaseName: this.database.name,
            description: table.description,
            tableType: "EXTERNAL_TABLE",
            parameters: location.apply((l) => projectionParameters(table, l, args.projectionStartDate)),
            partitionKeys: table.partitions.map((p) => ({ name: p.name, type: "string" })),
            storageDescriptor: {
              location,
              // Text input reads gzip objects (Firehose's .gz) and plain ones alike.
              inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
              outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
              serDeInfo: {
                serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
                // A malformed line fails the query rather than reading as nulls: the processor writes
                // only valid JSON, so a bad line is news.
                parameters: { "ignore.malformed.json": "FALSE", "case.insensitive": "TRUE" },
              },
              columns: table.columns.map((c) => ({ name: c.key.toLowerCase(), type: hiveType(c.type) })),
            },
          },
          { parent: this },
        ),
      ] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<LakeTable["name"], aws.glue.CatalogTable>;
    this.registerOutputs({ database: this.database.name });
  }
}
