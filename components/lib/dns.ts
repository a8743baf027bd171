// A custom domain's DNS parts, shared by the Api (regional) and the Storefront (CloudFront):
// an ACM certificate validated through a Route 53 record, and A/AAAA alias records.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface DomainInZone {
  domainName: pulumi.Input<string>;
  /** The Route 53 hosted zone that serves `domainName`. */
  zoneId: pulumi.Input<string>;
}

/**
 * An ACM certificate for the domain, DNS-validated in its zone. `provider` places the
 * certificate (CloudFront reads only us-east-1's); the record is global and takes the parent's.
 * The validation's `certificateArn` resolves once ACM has issued it.
 */
export function validatedCertificate(
  name: string,
  domain: DomainInZone,
  opts: { parent: pulumi.Resource; provider?: aws.Provider },
): aws.acm.CertificateValidation {
  const certificate = new aws.acm.Certificate(
    `${name}-certificate`,
    { domainName: domain.domainName, validationMethod: "DNS" },
    opts,
  );
  const validationRecord = new aws.route53.Record(
    `${name}-certificate-validation`,
    {
      zoneId: domain.zoneId,
      name: certificate.domainValidationOptions[0].resourceRecordName,
      type: certificate.domainValidationOptions[0].resourceRecordType,
      records: [certificate.domainValidationOptions[0].resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    },
    { parent: opts.parent },
  );
  return new aws.acm.CertificateValidation(
    `${name}-certificate-validated`,
    { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
    opts,
  );
}

/** IPv4 and IPv6 alias records pointing the domain at `target` (a CloudFront or API domain). */
export function aliasRecords(
  name: string,
  domain: DomainInZone,
  target: { name: pulumi.Input<string>; zoneId: pulumi.Input<string> },
  parent: pulumi.Resource,
): void {
  for (const type of ["A", "AAAA"]) {
    new aws.route53.Record(
      `${name}-alias-${type.toLowerCase()}`,
      {
        zoneId: domain.zoneId,
        name: domain.domainName,
        type,
        aliases: [{ name: target.name, zoneId: target.zoneId, evaluateTargetHealth: false }],
      },
      { parent },
    );
  }
}
