/**
 * Wraps an expensive read so that concurrent callers share work: at most one call runs and one waits.
 * A caller that arrives while a call runs gets the NEXT call's result (started after the running one ends),
 * never the running one's, which may predate the change that made the caller ask.
 * Twenty open consoles refreshing on the same event thus cost two builds of the cards, not twenty.
 */
export function coalesce<T>(work: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  const start = () => {
    const started = work().finally(() => {
      if (running === started) running = null;
    });
    running = started;
    return started;
  };
  return () => {
    if (running === null) return start();
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
}
