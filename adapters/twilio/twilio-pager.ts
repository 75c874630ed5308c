import { z } from 'zod';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { PageReceipt, PagerPort, PagerResult, PageRequest } from '../../src/ports/pager-port.ts';
import { jsonOf, providerRequest } from '../http/provider-request.ts';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** The Twilio number pages come from (E.164). */
  from: string;
  /** REST API base (TWILIO_API_URL), https://api.twilio.com by default. */
  apiUrl: string;
}

// Deliberately partial: the message's or call's SID.
const created = z.object({ sid: z.string().min(1) });

/** XML text for TwiML: the incident title comes from an alert. */
const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * SMS and voice pages through Twilio's REST API (form-encoded, basic auth with the account SID and auth token):
 * `sms` creates a Message (POST /2010-04-01/Accounts/{Sid}/Messages.json), `voice` a Call with inline TwiML that
 * reads the page out. One class, two channels: each instance is one of them.
 */
export class TwilioPager implements PagerPort {
  readonly channel: 'sms' | 'voice';
  readonly description: string;
  readonly #base: string;
  readonly #from: string;
  readonly #authorization: string;

  constructor(channel: 'sms' | 'voice', options: TwilioOptions) {
    this.channel = channel;
    this.#base = `${options.apiUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}`;
    this.#from = options.from;
    this.#authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    this.description = `Twilio ${channel === 'sms' ? 'SMS' : 'voice calls'} from …${options.from.slice(-4)}`;
  }

  async page(request: PageRequest, options: CallOptions): Promise<PagerResult<PageReceipt>> {
    const form = new URLSearchParams({ To: request.address, From: this.#from });
    if (this.channel === 'sms') {
      const summary = `AWOOOI ${request.summary}`.slice(0, 1400);
      form.set('Body', `${summary}\nReply ${request.ackHint} to acknowledge.`);
    } else {
      const spoken = `AWOOOI page. Incident ${request.incidentNumber}: ${request.title}. Severity ${request.severity}. Reply ${request.ackHint} by text message, or acknowledge on the card.`;
      form.set('Twiml', `<Response><Say>${escapeXml(spoken.slice(0, 1000))}</Say><Pause length="1"/><Say>${escapeXml(spoken.slice(0, 1000))}</Say></Response>`);
    }
    const path = this.channel === 'sms' ? 'Messages.json' : 'Calls.json';
    const answer = await providerRequest(
      `Twilio ${this.channel}`,
      `${this.#base}/${path}`,
      { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: this.#authorization }, body: form.toString() },
      options,
    );
    if (!answer.ok) return answer;
    const parsed = created.safeParse(jsonOf(answer.value.text));
    return { ok: true, value: { externalId: parsed.success ? parsed.data.sid : null } };
  }
}
