import type { Logger } from '../ports/logger.ts';

const retryMilliseconds = 30_000;

/**
 * Contacts a chat platform at start-up without holding the start-up: the bot serves while the platform is
 * unreachable, says so once in the log (and in `/readyz` details), and tries again every 30 s until it answers.
 * Returns the function that stops trying.
 */
export function reachInBackground(reach: () => Promise<{ ok: true; value: string } | { ok: false; error: { message: string } }>, log: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let warned = false;
  const attempt = async () => {
    const reached = await reach().catch((error: unknown) => ({
      ok: false as const,
      error: { message: error instanceof Error ? error.message : String(error) },
    }));
    if (stopped) return;
    if (reached.ok) {
      log.info({ workspace: reached.value, afterFailures: warned }, 'chat platform reached');
      return;
    }
    if (!warned)
      log.warn({ reason: reached.error.message, retryInMilliseconds: retryMilliseconds }, 'chat platform unreachable; cards wait, retrying in the background');
    warned = true;
    timer = setTimeout(() => void attempt(), retryMilliseconds);
    timer.unref();
  };
  void attempt();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
