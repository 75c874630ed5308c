import { RateLimiterMemory, type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { ChatChannel, ChatPacing } from '../ports/chat-port.ts';

export type PacedCall = keyof ChatPacing;

/**
 * Buckets of a platform's rate limits, one per channel (or per workspace, where the platform counts so):
 * a storm in one channel never slows the cards of another. Callers ask before each API call; a 429 closes
 * the bucket for as long as the platform asked. In-process buckets by default (rate-limiter-flexible);
 * `limiterOf` may hand out shared ones (Redis) for several replicas.
 */
export class ChannelPacer {
  #limiters: Record<PacedCall, RateLimiterAbstract>;
  #pacing: ChatPacing;
  #prefix: string;

  constructor(
    platform: string,
    pacing: ChatPacing,
    limiterOf: (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract = memoryLimiter,
  ) {
    this.#pacing = pacing;
    this.#prefix = platform;
    this.#limiters = {
      post: limiterOf({ keyPrefix: `chat-${platform}-post`, points: pacing.post.points, duration: pacing.post.perSeconds }),
      update: limiterOf({ keyPrefix: `chat-${platform}-update`, points: pacing.update.points, duration: pacing.update.perSeconds }),
    };
  }

  /** Takes a slot for `call` in `channel`'s bucket: 0 when taken, else how many milliseconds until one frees. */
  async take(call: PacedCall, channel: ChatChannel): Promise<number> {
    try {
      await this.#limiters[call].consume(this.#key(call, channel));
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
      throw error;
    }
  }

  /** The platform answered 429: nothing is sent to this bucket for `milliseconds`. */
  async pause(call: PacedCall, channel: ChatChannel, milliseconds: number): Promise<void> {
    await this.#limiters[call].block(this.#key(call, channel), Math.max(1, Math.ceil(milliseconds / 1000)));
  }

  #key(call: PacedCall, channel: ChatChannel): string {
    const scope = this.#pacing[call].scope;
    return scope === 'channel' ? `${this.#prefix}:${channel.workspace}:${channel.channel}` : `${this.#prefix}:${channel.workspace}`;
  }
}

function memoryLimiter(options: { keyPrefix: string; points: number; duration: number }): RateLimiterAbstract {
  return new RateLimiterMemory(options);
}
