// Copies of the AWS managed policies the program attaches (or used to), as the AWS Managed
// Policy Reference publishes them, so the simulator can evaluate them. A role attaching a
// managed policy not listed here fails the IAM simulator test: copy its document here (from
// docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html) or grant inline instead.
export const managedPolicyDocuments: Record<string, object> = {
  // API Gateway's account-wide CloudWatch role (v1, 2015-11-11).
  "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "logs:CreateLogGroup",
          "logs:CreateLogStream",
          "logs:DescribeLogGroups",
          "logs:DescribeLogStreams",
          "logs:PutLogEvents",
          "logs:GetLogEvents",
          "logs:FilterLogEvents",
        ],
        Resource: "*",
      },
    ],
  },
  // v3, 2024-01-05: ENI management and logs on every log group.
  "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole": {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AWSLambdaVPCAccessExecutionPermissions",
        Effect: "Allow",
        Action: [
          "logs:CreateLogGroup",
          "logs:CreateLogStream",
          "logs:PutLogEvents",
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        Resource: "*",
      },
    ],
  },
};

/** The managed policy ARN in any partition, as the copies above are keyed. */
export const managedPolicyKey = (arn: string) => arn.replace(/^arn:aws[a-z-]*:/, "arn:aws:");
