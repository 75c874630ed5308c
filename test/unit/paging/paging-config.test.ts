import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/config-schema.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { choosePolicy } from '../../../src/paging/choose-policy.ts';
import { pagingSettings } from '../../../src/paging/paging-settings.ts';

const step = (afterMinutes: number, people: string[]) => ({ afterMinutes, people });

describe('escalation policies from config', () => {
  const settings = pagingSettings.parse({
    policies: [
      { id: 'payments-critical', match: { severities: ['critical'], namespaces: ['payments'] }, steps: [step(0, ['alice'])] },
      { id: 'platform', match: { teams: ['platform'] }, steps: [step(0, ['bob'])] },
      { id: 'business-hours', steps: [step(0, ['carol'])] },
      { id: 'quiet', match: { severities: ['info'] }, steps: [step(0, ['dave'])] },
    ],
  });

  it('chooses by severity, team and namespace; the last unconditional policy takes the rest', () => {
    const policy = (severity: string, teams: string[], namespaces: string[]) => choosePolicy(settings, { severity, teams, namespaces })?.id;
    expect(policy('critical', [], ['payments'])).toBe('payments-critical');
    expect(policy('warning', [], ['payments'])).toBe('business-hours');
    expect(policy('warning', ['platform', 'other'], [])).toBe('platform');
    expect(policy('info', [], [])).toBe('quiet');
    expect(choosePolicy({ ...settings, defaultPolicy: 'quiet' }, { severity: 'warning', teams: [], namespaces: [] })?.id).toBe('quiet');
    expect(choosePolicy(pagingSettings.parse({}), { severity: 'critical', teams: [], namespaces: [] })).toBeUndefined();
  });

  it('reports every bad reference and every contact whose provider is off, by name', () => {
    const parsed = configSchema.safeParse({
      approvals: { people: [{ id: 'alice', name: 'Alice', roles: ['sre'], contacts: { sms: '+15550000001', pagerduty: true, ntfy: 'alice' } }] },
      paging: {
        policies: [
          {
            id: 'p',
            steps: [
              { afterMinutes: 5, schedule: 'nope' },
              { afterMinutes: 1, people: ['zed'] },
            ],
          },
        ],
        defaultPolicy: 'missing',
        ntfy: {},
      },
    });
    expect(parsed.success).toBe(false);
    const messages = parsed.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(messages).toEqual(expect.arrayContaining(['paging.policies.0.steps: steps in order of afterMinutes']));
    const fixed = configSchema.safeParse({
      approvals: {
        people: [{ id: 'alice', name: 'Alice', roles: ['sre'], contacts: { sms: '+15550000001', pagerduty: true, ntfy: 'alice', slack: 'U0ALICE' } }],
      },
      paging: {
        policies: [
          {
            id: 'p',
            steps: [
              { afterMinutes: 0, schedule: 'nope' },
              { afterMinutes: 1, people: ['zed'] },
            ],
          },
        ],
        defaultPolicy: 'missing',
        ntfy: {},
      },
    });
    const problems = fixed.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems).toEqual([
      'paging.policies.0.steps.0.schedule: nope is not in oncall.schedules',
      'paging.policies.0.steps.1.people: zed is not in approvals.people',
      'paging.defaultPolicy: no policy named missing',
      'approvals.people.0.contacts.slack: slack (SLACK_BOT_TOKEN) is not configured',
      'approvals.people.0.contacts.sms: paging.twilio is not configured',
      'approvals.people.0.contacts.pagerduty: paging.pagerduty is not configured',
      'approvals.people.0.contacts.pagerduty: true needs paging.pagerduty.routingKey',
    ]);
  });

  it('switches providers on from the environment, with their API base URLs', () => {
    const loaded = loadConfig({
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'twilio-auth-token-123',
      TWILIO_FROM: '+15557654321',
      TWILIO_API_URL: 'http://127.0.0.1:9999',
      PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0000000000000000000001',
      NTFY_URL: 'http://127.0.0.1:9998',
    });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.config.paging.twilio).toMatchObject({ apiUrl: 'http://127.0.0.1:9999', from: '+15557654321' });
    expect(loaded.config.paging.pagerduty).toMatchObject({ apiUrl: 'https://events.pagerduty.com', routingKey: 'R0UTINGKEY0000000000000000000001' });
    expect(loaded.config.paging.ntfy?.url).toBe('http://127.0.0.1:9998');
    expect(loadConfig({ TWILIO_FROM: '0151 123' })).toMatchObject({ ok: false });
  });
});
