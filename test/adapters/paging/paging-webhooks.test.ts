import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerOpsgenieWebhook } from '../../../adapters/opsgenie/register-opsgenie-webhook.ts';
import { registerPagerDutyWebhook } from '../../../adapters/pagerduty/register-pagerduty-webhook.ts';
import { registerTwilioWebhook } from '../../../adapters/twilio/register-twilio-webhook.ts';
import { twilioSignature, verifyTwilioSignature } from '../../../adapters/twilio/twilio-signature.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

const twilioToken = 'twilio-auth-token-123';
const twilioUrl = 'https://awoooi.example/paging/twilio/sms';
const pagerDutySecret = 'pd-webhook-secret-0123456789';
const opsgenieSecret = 'opsgenie-shared-secret-0123';

// A v3 webhook event as PagerDuty sends it (developer docs, "Webhook payloads"), trimmed to a few fields.
const pagerDutyEvent = {
  event: {
    id: '01BZ4ZJTXLB6Q3MHJQSOK1ZGHX',
    event_type: 'incident.acknowledged',
    resource_type: 'incident',
    occurred_at: '2026-03-01T03:06:00.000Z',
    agent: { id: 'PLH1HKV', summary: 'Alice', type: 'user_reference' },
    data: { id: 'PGR0VU2', type: 'incident', number: 2, status: 'acknowledged', incident_key: 'awoooi-00000000-0000-4000-8000-0000000000bb', title: '#42' },
  },
};

describe('inbound paging webhooks: verified before anything is read', () => {
  let app: FastifyInstance;
  let acknowledged: unknown[];
  beforeEach(async () => {
    acknowledged = [];
    app = Fastify();
    const log = recordingLogger();
    registerTwilioWebhook(app, {
      authToken: twilioToken,
      webhookUrl: twilioUrl,
      log,
      acknowledge: async (input) => {
        acknowledged.push({ via: 'sms', ...input });
        return 'Acknowledged #42: nobody else is paged. <ok>';
      },
    });
    const acknowledge = (via: string) => async (input: object) => {
      acknowledged.push({ via, ...input });
      return { ok: true };
    };
    registerPagerDutyWebhook(app, { secret: pagerDutySecret, log, acknowledge: acknowledge('pagerduty') });
    registerOpsgenieWebhook(app, { secret: opsgenieSecret, log, acknowledge: acknowledge('opsgenie') });
    await app.ready();
  });
  afterEach(() => app.close());

  it("computes Twilio's signature as Twilio's documented example does", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    // TwilioDevEd/api-snippets security/signature_validation: auth token 12345, this URL, these parameters.
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature('12345', url, Object.entries(params))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature('12345', url, Object.entries(params), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(verifyTwilioSignature('12345', url, Object.entries({ ...params, Digits: '9999' }), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
  });

  it('Twilio: a signed SMS reply acknowledges and is answered with escaped TwiML; forged or unsigned ones get 401', async () => {
    const form = { From: '+15550000002', Body: 'ACK 42', MessageSid: 'SM0001', AccountSid: `AC${'0'.repeat(32)}` };
    const body = new URLSearchParams(form).toString();
    const send = (signature?: string) =>
      app.inject({
        method: 'POST',
        url: '/paging/twilio/sms',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
        payload: body,
      });
    const good = await send(twilioSignature(twilioToken, twilioUrl, Object.entries(form)));
    expect(good.statusCode).toBe(200);
    expect(good.headers['content-type']).toContain('text/xml');
    expect(good.body).toContain('<Message>Acknowledged #42: nobody else is paged. &#60;ok&#62;</Message>');
    expect(acknowledged).toEqual([{ via: 'sms', from: '+15550000002', body: 'ACK 42' }]);

    for (const forged of [
      undefined,
      twilioSignature('another-token-0000', twilioUrl, Object.entries(form)),
      twilioSignature(twilioToken, 'https://evil.example/x', Object.entries(form)),
    ]) {
      expect((await send(forged)).statusCode).toBe(401);
    }
    expect(acknowledged).toHaveLength(1);
  });

  it('PagerDuty: a v1= HMAC-SHA256 of the raw body acknowledges (also among rotated signatures); a forged one gets 401', async () => {
    const raw = JSON.stringify(pagerDutyEvent);
    const sign = (secret: string, body: string) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const send = (signature: string, body = raw) =>
      app.inject({
        method: 'POST',
        url: '/paging/pagerduty/webhook',
        headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature },
        payload: body,
      });
    expect((await send(sign(pagerDutySecret, raw))).statusCode).toBe(200);
    expect((await send(`${sign('old-secret-000000000000', raw)},${sign(pagerDutySecret, raw)}`)).statusCode).toBe(200);
    expect(acknowledged).toEqual([
      { via: 'pagerduty', dedupKey: 'awoooi-00000000-0000-4000-8000-0000000000bb', by: 'Alice' },
      { via: 'pagerduty', dedupKey: 'awoooi-00000000-0000-4000-8000-0000000000bb', by: 'Alice' },
    ]);
    // Signed for other bytes, by another secret, or not JSON at all: refused before parsing.
    expect((await send(sign(pagerDutySecret, raw), raw.replace('Alice', 'Mallory'))).statusCode).toBe(401);
    expect((await send(sign('wrong-secret-0000000000', raw))).statusCode).toBe(401);
    expect((await send('v1=', '{not json')).statusCode).toBe(401);
    expect(acknowledged).toHaveLength(2);
    // Signed but not an event: 400 with what was wrong.
    const bad = await send(sign(pagerDutySecret, '{"hello":1}'), '{"hello":1}');
    expect(bad.statusCode).toBe(400);
  });

  it('Opsgenie: the shared secret header acknowledges; a wrong or missing one gets 401', async () => {
    const body = JSON.stringify({
      action: 'Acknowledge',
      alert: { alertId: 'a1', alias: 'awoooi-00000000-0000-4000-8000-0000000000bb', username: 'alice@example.com' },
      source: { type: 'web' },
    });
    const send = (token?: string) =>
      app.inject({
        method: 'POST',
        url: '/paging/opsgenie/webhook',
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { 'x-awoooi-token': token }) },
        payload: body,
      });
    expect((await send(opsgenieSecret)).statusCode).toBe(200);
    expect((await send('opsgenie-shared-secret-0124')).statusCode).toBe(401);
    expect((await send()).statusCode).toBe(401);
    expect(acknowledged).toEqual([{ via: 'opsgenie', dedupKey: 'awoooi-00000000-0000-4000-8000-0000000000bb', by: 'alice@example.com' }]);
  });
});
