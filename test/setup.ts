// Loaded before every suite, in mocha's main process and in each --parallel worker (see .mocharc.json).
import { awsCallFixtures, awsCallHooks } from "../testing/aws-calls";

// The SDK warns on Node 20 that releases after January 2027 need Node 22; Lambda runs 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Root hooks: the AWS calls the handler tests record, reported per root suite (per file in a worker). */
export const mochaHooks = awsCallHooks;

/** Global fixtures: the reports of every worker checked against the committed list, once, at the end. */
export const { mochaGlobalSetup, mochaGlobalTeardown } = awsCallFixtures;
