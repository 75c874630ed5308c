import { describe, expect, it } from 'vitest';
import { renderTelegramCard, renderTelegramText, telegramCallback, telegramLimits } from '../../../adapters/telegram/render-telegram-card.ts';
import { verifyTelegramSecret } from '../../../adapters/telegram/verify-telegram-secret.ts';
import type { CardProposal, IncidentCard } from '../../../src/cards/incident-card.ts';

const proposalId = '5b0c1f3e-8a41-4c55-9a0e-6a1f2b3c4d5e';
const proposal: CardProposal = {
  id: proposalId,
  action: 'restart_deployment',
  description: 'Rollout restart of deployment shop/checkout',
  target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
  params: {},
  reason: 'checkout is crash looping',
  baseRisk: 'HIGH',
  risk: 'HIGH',
  riskReason: null,
  requiredSignatures: 2,
  signersText: 'admin, devops or sre, two different people',
  state: 'PENDING',
  expiresAt: '2026-03-01T03:30:00.000Z',
  dryRun: { ok: true, findings: [] },
  signatures: [{ personId: 'alice', personName: 'Alice', roles: ['sre'], platform: 'telegram', decision: 'approve', at: '2026-03-01T03:05:00.000Z' }],
  missing: '1 more signature from admin, devops or sre',
  outcome: null,
};
const card: IncidentCard = {
  incidentId: '00000000-0000-4000-8000-0000000000aa',
  number: 12,
  title: 'KubePodCrashLooping on checkout',
  severity: 'critical',
  status: 'open',
  mergedInto: null,
  absorbed: [],
  services: ['checkout'],
  openedAt: '2026-03-01T03:00:00.000Z',
  analysis: { state: 'done', unmappedAlerts: [], failure: null },
  rootCauses: [{ service: 'checkout', kind: 'service', score: 1, alerting: true, evidence: ['checkout is alerting'] }],
  blastRadius: [{ service: 'storefront', depth: 1 }],
  cost: { monthlyAtStake: 43.8, text: 'checkout: $43.80/month at stake', actionDelta: null },
  diagnosis: { source: 'rules', text: 'checkout restarts in a loop.' },
  proposal,
  flapped: null,
  history: null,
  runbooks: ['https://runbooks.example.com/a?b=1&c=2'],
  updatedAt: '2026-03-01T03:05:00.000Z',
};

/** The tags a rendered card may contain: ours, nothing from the input. */
const ourTags = /<\/?(b|i|code|a)( href="https?:\/\/[^"<>]*")?>/g;

describe('renderTelegramCard', () => {
  it('shows the web console content, with Approve and Reject carrying only the proposal id within 64 bytes', () => {
    const message = renderTelegramCard(card, 'https://awoooi.example.com');
    for (const expected of [
      '#12 KubePodCrashLooping on checkout',
      'CRITICAL',
      'checkout is alerting',
      'storefront (1 hop)',
      '$43.80',
      'Risk: <b>HIGH</b>',
      'approved by Alice (sre)',
      '<b>Missing:</b>',
    ]) {
      expect(message.html).toContain(expected);
    }
    expect(message.html).toContain('<a href="https://runbooks.example.com/a?b=1&amp;c=2">runbook 1</a>');
    expect(message.html).toContain('<a href="https://awoooi.example.com/#incident-00000000-0000-4000-8000-0000000000aa">open in the web console</a>');
    const buttons = message.keyboard.flat();
    expect(buttons.map((button) => button.callback_data)).toEqual([`a:${proposalId}`, `r:${proposalId}`]);
    for (const button of buttons) expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(telegramLimits.callbackDataBytes);
    expect(telegramCallback.decode(`a:${proposalId}`)).toEqual({ decision: 'approve', proposalId });
    expect(telegramCallback.decode(`x:${proposalId}`)).toBeUndefined();
    expect(telegramCallback.decode('a:not-an-id')).toBeUndefined();
    expect(renderTelegramCard({ ...card, proposal: { ...proposal, state: 'SUCCEEDED', outcome: 'restarted' } }).keyboard).toEqual([]);
  });

  it('stays within 4096 characters for an enormous card and says where it cut', () => {
    const huge: IncidentCard = {
      ...card,
      title: 'T'.repeat(5000),
      rootCauses: [{ ...card.rootCauses[0]!, evidence: Array.from({ length: 200 }, (_, index) => `evidence ${index} ${'x'.repeat(300)}`) }],
      diagnosis: { source: 'llm', text: '&'.repeat(20_000) },
      proposal: { ...proposal, signatures: Array.from({ length: 100 }, (_, index) => ({ ...proposal.signatures[0]!, personName: `P${index}` })) },
    };
    const message = renderTelegramCard(huge, 'https://awoooi.example.com');
    expect(message.html.length).toBeLessThanOrEqual(telegramLimits.messageText);
    expect(message.html).toContain('truncated');
    expect(message.html).toContain('full card in the web console');
    expect(message.html).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
    expect(message.keyboard.flat()).toHaveLength(2);
  });

  it('escapes markup, links and mentions from alerts and models', () => {
    const text = '<b>fake</b> <a href="http://evil.example">bank</a> & @everyone <i>';
    const evil: IncidentCard = {
      ...card,
      title: text,
      services: [text],
      rootCauses: [{ service: text, kind: 'service', score: 1, alerting: true, evidence: [text] }],
      diagnosis: { source: 'llm', text, by: text },
      history: { seen: 1, text, similar: [] },
      flapped: { count: 1, lastAt: '2026-03-01T02:50:00.000Z' },
      proposal: { ...proposal, description: text, reason: text, outcome: text, signatures: [{ ...proposal.signatures[0]!, personName: text }] },
      runbooks: ['javascript:alert(1)'],
    };
    const html = renderTelegramCard(evil).html;
    expect(html).not.toContain('evil.example">');
    expect(html).not.toContain('javascript:');
    expect(html.replace(ourTags, '')).not.toMatch(/[<>]/);
    expect(html).toContain('&lt;b&gt;fake&lt;/b&gt;');
    expect(html).toContain('<b>Seen before</b>: &lt;b&gt;fake');
    expect(html).toContain('<b>Flapping</b>: reopened 1 time(s)');
    expect(renderTelegramText('<a href="x">y</a>')).toBe('&lt;a href=&quot;x&quot;&gt;y&lt;/a&gt;');
  });
});

describe('verifyTelegramSecret', () => {
  it('accepts only the exact secret', () => {
    expect(verifyTelegramSecret('telegram-webhook-secret-0123', 'telegram-webhook-secret-0123')).toBe(true);
    expect(verifyTelegramSecret('telegram-webhook-secret-0124', 'telegram-webhook-secret-0123')).toBe(false);
    expect(verifyTelegramSecret('telegram-webhook-secret', 'telegram-webhook-secret-0123')).toBe(false);
    expect(verifyTelegramSecret('', 'telegram-webhook-secret-0123')).toBe(false);
    expect(verifyTelegramSecret(undefined, 'telegram-webhook-secret-0123')).toBe(false);
    expect(verifyTelegramSecret('x'.repeat(300), 'x'.repeat(300))).toBe(false);
  });
});
