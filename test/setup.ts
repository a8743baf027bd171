// Loaded before every suite (see .mocharc.json).
import { awsCallHooks } from "../testing/aws-calls";

// The SDK warns on Node 20 that releases after January 2027 need Node 22; Lambda runs 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Root hooks: the AWS calls the handler tests record are checked against the committed list. */
export const mochaHooks = awsCallHooks;
