import { WebClient } from '@slack/web-api';
import type { CallOptions } from '../../src/ports/call-options.ts';
import { type PageReceipt, type PagerPort, type PagerResult, type PageRequest, pagerErrorOfChat } from '../../src/ports/pager-port.ts';
import { slackActions } from './render-block-kit.ts';
import { chatError } from './slack-chat.ts';
import { escapeMrkdwn, fitMrkdwn, fitPlain } from './slack-text.ts';

/**
 * Pages by Slack direct message: chat.postMessage to the person's user id (Slack opens the DM), with an
 * Acknowledge button. The same bot token as the cards; needs the `chat:write` and `im:write` scopes.
 */
export class SlackPager implements PagerPort {
  readonly channel = 'slack' as const;
  readonly description = 'Slack direct messages';
  readonly #client: WebClient;

  constructor(options: { botToken: string; apiUrl: string; timeoutMilliseconds?: number }) {
    this.#client = new WebClient(options.botToken, {
      slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: options.timeoutMilliseconds ?? 10_000,
      allowAbsoluteUrls: false,
    });
  }

  async page(request: PageRequest, _options: CallOptions): Promise<PagerResult<PageReceipt>> {
    const text = `:rotating_light: *You are paged* — ${escapeMrkdwn(request.summary)}${request.link === undefined ? '' : `\n<${request.link}|Open the card>`}`;
    try {
      const answer = await this.#client.chat.postMessage({
        channel: request.address,
        text: fitPlain(`You are paged: ${request.summary}`, 3000),
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: fitMrkdwn(text, 3000, '… _(truncated)_').text } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: slackActions.acknowledge,
                text: { type: 'plain_text', text: 'Acknowledge' },
                style: 'primary',
                value: request.escalationId,
              },
            ],
          },
        ],
        unfurl_links: false,
        link_names: false,
      });
      return { ok: true, value: { externalId: typeof answer.ts === 'string' ? answer.ts : null } };
    } catch (error) {
      return { ok: false, error: pagerErrorOfChat(chatError(error)) };
    }
  }
}
