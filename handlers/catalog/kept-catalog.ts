// The whole catalog as this container last read it, kept a few seconds. A listing reads both
// tables in full (store.ts), so without it every query the stage cache has not seen (each
// cursor of each listing, or any query at all where there is no stage cache) would be two full
// scans: a crawler or an attacker paging quickly would multiply the tables' reads by its rate.
// Kept, a container reads them at most once per period, whatever the rate. Concurrent requests
// share one read; a failed read is not kept, so the next request tries again.

/** `read`, called at most once per `keepMs` (0: on every call), its answer shared meanwhile. */
export function keptRead<T>(read: () => Promise<T>, keepMs: number, clock: () => number): () => Promise<T> {
  let kept: { answer: Promise<T>; until: number } | undefined;
  return () => {
    const now = clock();
    if (!kept || kept.until <= now) {
      const entry = { answer: read(), until: now + keepMs };
      entry.answer.catch(() => {
        if (kept === entry) kept = undefined;
      });
      kept = entry;
    }
    return kept.answer;
  };
}
