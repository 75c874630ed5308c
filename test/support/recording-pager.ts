import type { PageFollowUp, PageReceipt, PagerPort, PagerResult, PageRequest, PagingChannel } from '../../src/ports/pager-port.ts';

/** One thing a recording pager was asked to do. */
export interface PagerCall {
  channel: PagingChannel;
  action: 'page' | 'acknowledge' | 'resolve';
  address: string;
  dedupKey: string;
  /** The step, from the page's summary ("step 2"); 0 for follow-ups. */
  step: number;
}

/**
 * A simulated pager for the escalation tests: it reaches nobody, records every call (shared across "processes" of
 * one test through `calls`), and can be told to fail.
 */
export class RecordingPager implements PagerPort {
  readonly description: string;
  readonly channel: PagingChannel;
  readonly calls: PagerCall[];
  failing = false;
  constructor(channel: PagingChannel, calls: PagerCall[]) {
    this.channel = channel;
    this.calls = calls;
    this.description = `recording ${channel} pager (simulated)`;
  }

  async page(request: PageRequest): Promise<PagerResult<PageReceipt>> {
    if (this.failing) return { ok: false, error: { code: 'refused', message: 'simulated refusal', retryable: false } };
    const step = Number(/step (\d+)/.exec(request.summary)?.[1] ?? 0);
    this.calls.push({ channel: this.channel, action: 'page', address: request.address, dedupKey: request.dedupKey, step });
    return { ok: true, value: { externalId: `sim-${this.calls.length}` } };
  }

  async acknowledge(followUp: PageFollowUp): Promise<PagerResult<void>> {
    this.calls.push({ channel: this.channel, action: 'acknowledge', address: followUp.address, dedupKey: followUp.dedupKey, step: 0 });
    return { ok: true, value: undefined };
  }

  async resolve(followUp: PageFollowUp): Promise<PagerResult<void>> {
    this.calls.push({ channel: this.channel, action: 'resolve', address: followUp.address, dedupKey: followUp.dedupKey, step: 0 });
    return { ok: true, value: undefined };
  }
}
