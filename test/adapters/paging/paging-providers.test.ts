import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordPager } from '../../../adapters/discord/discord-pager.ts';
import { NtfyPager } from '../../../adapters/ntfy/ntfy-pager.ts';
import { OpsgeniePager } from '../../../adapters/opsgenie/opsgenie-pager.ts';
import { PagerDutyPager } from '../../../adapters/pagerduty/pagerduty-pager.ts';
import { TwilioPager } from '../../../adapters/twilio/twilio-pager.ts';
import { callWithRetries } from '../../../src/paging/call-with-retries.ts';
import type { PageRequest, PagerPort } from '../../../src/ports/pager-port.ts';
import { FakePagingApi } from '../../support/fake-paging-api.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

const request = (address: string): PageRequest => ({
  pageId: '00000000-0000-4000-8000-0000000000aa',
  escalationId: '00000000-0000-4000-8000-0000000000bb',
  dedupKey: 'awoooi-00000000-0000-4000-8000-0000000000bb',
  incidentId: '00000000-0000-4000-8000-0000000000cc',
  incidentNumber: 42,
  title: 'checkout 5xx </Say><Play>http://evil.example/x.mp3</Play>',
  severity: 'critical',
  summary: '#42 checkout 5xx (critical); escalation default, step 1',
  address,
  personName: 'Alice',
  ackHint: 'ACK 42',
  link: 'https://awoooi.example/#incident-00000000-0000-4000-8000-0000000000cc',
});

// Quick backoff: the behaviour (which failures are retried, how often) is under test, not the waiting.
const retrying = { attempts: 3, retryMilliseconds: 1, timeoutMilliseconds: 5_000 };
const page = (pager: PagerPort, address: string) => callWithRetries((options) => pager.page(request(address), options), retrying);

describe('paging providers at the wire [local fake APIs]', () => {
  let api: FakePagingApi;
  let url: string;
  beforeEach(async () => {
    api = new FakePagingApi({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'awoooi-00000000-0000-4000-8000-0000000000bb' } });
    url = await api.start();
  });
  afterEach(() => api.stop());

  it('PagerDuty: Events API v2 trigger, acknowledge and resolve share the dedup_key, shaped like the fixture', async () => {
    const pager = new PagerDutyPager({ apiUrl: url });
    const routingKey = 'R0UTINGKEY0000000000000000000001';
    expect((await page(pager, routingKey)).ok).toBe(true);
    const followUp = { dedupKey: request('').dedupKey, address: routingKey, note: 'acknowledged in AWOOOI by Alice' };
    await pager.acknowledge(followUp, { signal: AbortSignal.timeout(5_000) });
    await pager.resolve(followUp, { signal: AbortSignal.timeout(5_000) });
    expect(api.requests.map((sent) => `${sent.method} ${sent.path} ${sent.headers['content-type']}`)).toEqual(
      Array(3).fill('POST /v2/enqueue application/json'),
    );
    const [trigger, acknowledge, resolve] = api.requests.map((sent) => JSON.parse(sent.body) as Record<string, unknown>);
    const documented = fixture('pagerduty-event-v2.json');
    for (const key of Object.keys(trigger!)) expect(Object.keys(documented)).toContain(key);
    for (const key of Object.keys(trigger!.payload as object)) expect(Object.keys(documented.payload as object)).toContain(key);
    expect(trigger).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: followUp.dedupKey,
      payload: { severity: 'critical', source: 'awoooi' },
    });
    expect((trigger!.payload as { summary: string }).summary.length).toBeLessThanOrEqual(1024);
    expect(acknowledge).toEqual({ routing_key: routingKey, event_action: 'acknowledge', dedup_key: followUp.dedupKey });
    expect(resolve).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: followUp.dedupKey });
  });

  it('retries 429 (after its Retry-After) and 5xx, then succeeds', async () => {
    api.answer({ status: 429, body: { status: 'throttle' }, headers: { 'retry-after': '0' } }, { status: 503, body: {} });
    const result = await page(new PagerDutyPager({ apiUrl: url }), 'R0UTINGKEY0000000000000000000001');
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(api.requests).toHaveLength(3);
  });

  it('gives up after its attempts on 5xx, saying the failure may pass; a 4xx is final at once', async () => {
    api.answer({ status: 500 }, { status: 502 }, { status: 500 });
    const failed = await page(new NtfyPager({ url }), 'alice-pager');
    expect(failed).toMatchObject({ ok: false, attempts: 3, error: { code: 'unavailable', retryable: true } });
    api.answer({ status: 400, body: { message: 'Invalid routing key' } });
    const refused = await page(new PagerDutyPager({ apiUrl: url }), 'R0UTINGKEY0000000000000000000001');
    expect(refused).toMatchObject({ ok: false, attempts: 1, error: { code: 'invalid', retryable: false } });
    expect(refused.ok === false && refused.error.message).toContain('Invalid routing key');
    expect(api.requests).toHaveLength(4);
  });

  it('Opsgenie: creates the alert with the dedup key as alias (fixture shape), acknowledges and closes it by alias', async () => {
    const pager = new OpsgeniePager({ apiKey: 'genie-key-0123456789', apiUrl: url });
    api.answer({ status: 202, body: { result: 'Request will be processed', took: 0.3, requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120' } });
    expect(await page(pager, 'alice@example.com')).toMatchObject({ ok: true, value: { externalId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120' } });
    const followUp = { dedupKey: request('').dedupKey, address: 'alice@example.com', note: 'the incident resolved in AWOOOI' };
    await pager.acknowledge(followUp, { signal: AbortSignal.timeout(5_000) });
    await pager.resolve(followUp, { signal: AbortSignal.timeout(5_000) });
    const [create, acknowledge, close] = api.requests;
    expect(create).toMatchObject({ method: 'POST', path: '/v2/alerts', headers: { authorization: 'GenieKey genie-key-0123456789' } });
    const body = JSON.parse(create!.body) as Record<string, unknown>;
    const documented = fixture('opsgenie-create-alert.json');
    expect(Object.keys(body).sort()).toEqual(Object.keys(documented).sort());
    expect(body).toMatchObject({ alias: followUp.dedupKey, responders: [{ username: 'alice@example.com', type: 'user' }], priority: 'P1' });
    expect((body.message as string).length).toBeLessThanOrEqual(130);
    expect(acknowledge!.path).toBe(`/v2/alerts/${followUp.dedupKey}/acknowledge?identifierType=alias`);
    expect(close!.path).toBe(`/v2/alerts/${followUp.dedupKey}/close?identifierType=alias`);
  });

  it('ntfy: publishes JSON to the topic with a bearer token, urgent for critical', async () => {
    api.answer({ status: 200, body: { id: 'sPs1K8wWmVn6', event: 'message', topic: 'alice-pager' } });
    const result = await page(new NtfyPager({ url, token: 'tk_secret' }), 'alice-pager');
    expect(result).toMatchObject({ ok: true, value: { externalId: 'sPs1K8wWmVn6' } });
    const [sent] = api.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/', headers: { authorization: 'Bearer tk_secret' } });
    expect(JSON.parse(sent!.body)).toMatchObject({ topic: 'alice-pager', priority: 5, click: request('').link });
  });

  it('Twilio: SMS and voice are form-encoded creates with basic auth; alert text cannot inject TwiML', async () => {
    const options = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'twilio-auth-token-123', from: '+15557654321', apiUrl: url };
    api.answer({ status: 201, body: { sid: 'SM0123' } }, { status: 201, body: { sid: 'CA0123' } });
    expect(await page(new TwilioPager('sms', options), '+15550000001')).toMatchObject({ ok: true, value: { externalId: 'SM0123' } });
    expect(await page(new TwilioPager('voice', options), '+15550000001')).toMatchObject({ ok: true, value: { externalId: 'CA0123' } });
    const [sms, call] = api.requests;
    const auth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    expect(sms).toMatchObject({
      path: `/2010-04-01/Accounts/${options.accountSid}/Messages.json`,
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const smsForm = new URLSearchParams(sms!.body);
    expect([smsForm.get('To'), smsForm.get('From')]).toEqual(['+15550000001', '+15557654321']);
    expect(smsForm.get('Body')).toContain('Reply ACK 42 to acknowledge.');
    expect(call!.path).toBe(`/2010-04-01/Accounts/${options.accountSid}/Calls.json`);
    const twiml = new URLSearchParams(call!.body).get('Twiml') ?? '';
    expect(twiml).toMatch(/^<Response><Say>/);
    expect(twiml).not.toContain('<Play>');
  });

  it('Discord: opens the DM channel with the user id, then sends the page with an Acknowledge button, pinging nobody', async () => {
    api.answer(
      { status: 200, body: { id: '800000000000000001', type: 1 } },
      { status: 200, body: { id: '900000000000000001', channel_id: '800000000000000001' } },
    );
    const result = await page(new DiscordPager({ botToken: 'discord-bot-token', apiUrl: url }), '123456789012345678');
    expect(result).toMatchObject({ ok: true, value: { externalId: '900000000000000001' } });
    const [open, send] = api.requests;
    expect(open).toMatchObject({ method: 'POST', path: '/v10/users/@me/channels', headers: { authorization: 'Bot discord-bot-token' } });
    expect(JSON.parse(open!.body)).toEqual({ recipient_id: '123456789012345678' });
    expect(send!.path).toBe('/v10/channels/800000000000000001/messages');
    const message = JSON.parse(send!.body);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.components[0].components[0]).toEqual({ type: 2, style: 1, label: 'Acknowledge', custom_id: `awoooi:k:${request('').escalationId}` });
    expect(message.content).not.toContain('</Say>');
  });
});
