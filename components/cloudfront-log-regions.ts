// Where CloudFront's standard logs (legacy) can go. CloudFront does not deliver them to buckets in
// the opt-in Regions (CloudFront Developer Guide, "Choose an Amazon S3 bucket for standard logs";
// the AWS Solutions "Opt-in Regions" guide and the AWSConfigRemediation-EnableCloudFrontAccessLogs
// runbook name af-south-1, ap-east-1, eu-south-1 and me-south-1): the access-log bucket, made in
// the stack's Region, would stay empty there. Opt-in Regions are those launched after
// 20 March 2019, disabled in an account until enabled (AWS General Reference, "Managing AWS Regions").

export const optInRegions = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-west-1",
  "eu-central-2",
  "eu-south-1",
  "eu-south-2",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
] as const;

/** Whether CloudFront delivers standard logs to a bucket in `region`. */
export function deliversStandardLogsTo(region: string): boolean {
  return !(optInRegions as readonly string[]).includes(region);
}
