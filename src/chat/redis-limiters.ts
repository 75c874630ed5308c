import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface SharedLimiters {
  /** Hands out buckets shared by every replica through Redis, for `ChannelPacer`. */
  limiterOf(options: { keyPrefix: string; points: number; duration: number }): RateLimiterAbstract;
  /** Resolves once Redis answers, or after `timeoutMilliseconds` (buckets are in-process until then). */
  ready(timeoutMilliseconds?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Chat rate-limit buckets in Redis, so that several replicas together keep a channel's pace. When Redis does
 * not answer, each bucket falls back to this process's own (rate-limiter-flexible's insurance limiter):
 * correctness never depends on Redis, and a 429 met meanwhile is still waited out.
 */
export function redisLimiters(url: string): SharedLimiters {
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  client.on('error', () => {});
  return {
    limiterOf: (options) =>
      new RateLimiterRedis({ storeClient: client, ...options, keyPrefix: `awoooi-${options.keyPrefix}`, insuranceLimiter: new RateLimiterMemory(options) }),
    ready: (timeoutMilliseconds = 3000) =>
      client.status === 'ready'
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const timer = setTimeout(() => resolve(false), timeoutMilliseconds);
            client.once('ready', () => {
              clearTimeout(timer);
              resolve(true);
            });
          }),
    close: async () => {
      client.disconnect();
    },
  };
}
