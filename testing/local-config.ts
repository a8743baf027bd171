// The stack config the browser and analytics suites start local mode with: the event source
// mappings hand each record on as soon as it is read, instead of after the dev stack's batching
// windows (5 s for the processor, 1 s for the indexer), so the suites wait on the pipeline and
// not on a window. Both are values a deployed stack may hold (Lambda takes 0-300 s), set the way
// a user sets them (`npm start -- --config processorBatchWindowSeconds=0`). The dev windows keep
// their end-to-end coverage in test/local/local-mode.test.ts, which starts the committed stack.
export const noBatchingWindows = { processorBatchWindowSeconds: 0, indexerBatchWindowSeconds: 0 };
