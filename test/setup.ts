// Loaded before every suite, in mocha's main process and in each --parallel worker (see .mocharc.cjs).
import { awsCallFixtures, awsCallHooks } from "../testing/aws-calls";

// Stack traces unmapped: Pulumi formats one for every promise and every resource it registers, and
// Node mapping each through source maps doubled the cost of a whole-program run. A failure's
// stack then names lines of esbuild's output; TEST_SOURCE_MAPS=1 maps them to the sources.
if (!process.env.TEST_SOURCE_MAPS) process.setSourceMapsEnabled(false);

// The SDK warns on Node 20 that releases after January 2027 need Node 22; Lambda runs 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Root hooks: the AWS calls the handler tests record, reported per root suite (per file in a worker). */
export const mochaHooks = awsCallHooks;

/** Global fixtures: the reports of every worker checked against the committed list, once, at the end. */
export const { mochaGlobalSetup, mochaGlobalTeardown } = awsCallFixtures;
