import { describe, expect, it } from 'vitest';
import { blockKitLimits, renderBlockKit, renderThreadReply, type Block } from '../../../adapters/slack/render-block-kit.ts';
import type { CardProposal, IncidentCard } from '../../../src/cards/incident-card.ts';

const proposalId = '5b0c1f3e-8a41-4c55-9a0e-6a1f2b3c4d5e';
const consoleUrl = 'https://awoooi.example.com';

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
  dryRun: { ok: true, findings: [{ check: 'pdb', ok: true, warning: true, message: 'checkout-pdb allows 1 disruption' }] },
  signatures: [{ personId: 'alice', personName: 'Alice', roles: ['sre'], platform: 'slack', decision: 'approve', at: '2026-03-01T03:05:00.000Z' }],
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
  rootCauses: [{ service: 'checkout', kind: 'service', score: 1, alerting: true, evidence: ['checkout is alerting: KubePodCrashLooping (critical)'] }],
  blastRadius: [
    { service: 'storefront', depth: 1 },
    { service: 'ingress', depth: 2 },
  ],
  cost: { monthlyAtStake: 43.8, text: 'checkout: $43.80/month at stake', actionDelta: null },
  diagnosis: { source: 'rules', text: 'checkout restarts in a loop; a rollout restart usually clears it.' },
  proposal,
  flapped: null,
  history: null,
  runbooks: ['https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping'],
  updatedAt: '2026-03-01T03:05:00.000Z',
};

/** Every text object of the message with where it sits, for limit and escaping checks. */
function texts(blocks: Block[]): { where: string; type: string; text: string }[] {
  const found: { where: string; type: string; text: string }[] = [];
  blocks.forEach((block, index) => {
    if (block['text']) found.push({ where: `${index}:${block['type']}`, type: block['text'].type, text: block['text'].text });
    for (const field of block['fields'] ?? []) found.push({ where: `${index}:field`, type: field.type, text: field.text });
    for (const element of block['elements'] ?? []) {
      if (element.type === 'mrkdwn' || element.type === 'plain_text') found.push({ where: `${index}:context`, type: element.type, text: element.text });
      if (element.type === 'button') found.push({ where: `${index}:button`, type: element.text.type, text: element.text.text });
    }
  });
  return found;
}

function expectWithinLimits(message: { text: string; blocks: Block[] }): void {
  expect(message.blocks.length).toBeLessThanOrEqual(blockKitLimits.blocks);
  expect(message.text.length).toBeLessThanOrEqual(blockKitLimits.fallbackText);
  for (const block of message.blocks) {
    if (block['type'] === 'header') expect(block['text'].text.length).toBeLessThanOrEqual(blockKitLimits.header);
    if (block['type'] === 'section') {
      if (block['text']) expect(block['text'].text.length).toBeLessThanOrEqual(blockKitLimits.sectionText);
      expect((block['fields'] ?? []).length).toBeLessThanOrEqual(blockKitLimits.fields);
      for (const field of block['fields'] ?? []) expect(field.text.length).toBeLessThanOrEqual(blockKitLimits.field);
    }
    if (block['type'] === 'context') {
      expect(block['elements'].length).toBeLessThanOrEqual(blockKitLimits.contextElements);
      for (const element of block['elements']) expect(element.text.length).toBeLessThanOrEqual(blockKitLimits.field);
    }
    if (block['type'] === 'actions') {
      expect(block['elements'].length).toBeLessThanOrEqual(25);
      expect(block['block_id'].length).toBeLessThanOrEqual(blockKitLimits.actionId);
      for (const button of block['elements']) {
        expect(button.text.text.length).toBeLessThanOrEqual(blockKitLimits.buttonText);
        expect(button.value.length).toBeLessThanOrEqual(blockKitLimits.buttonValue);
        expect(button.action_id.length).toBeLessThanOrEqual(blockKitLimits.actionId);
      }
    }
  }
}

const buttons = (blocks: Block[]) => blocks.filter((block) => block['type'] === 'actions').flatMap((block) => block['elements']);

describe('renderBlockKit', () => {
  it('shows what the web console shows, with Approve and Reject carrying only the proposal id', () => {
    const message = renderBlockKit(card, consoleUrl);
    const all = texts(message.blocks)
      .map((entry) => entry.text)
      .join('\n');
    for (const expected of [
      '#12 KubePodCrashLooping on checkout',
      'CRITICAL',
      'checkout is alerting: KubePodCrashLooping (critical)',
      'storefront (1 hop), ingress (2 hops)',
      '$43.80',
      'a rollout restart usually clears it',
      'Rollout restart of deployment shop/checkout',
      'Risk: *HIGH*',
      'admin, devops or sre, two different people',
      'approved by Alice (sre) via slack',
      '*Missing:* 1 more signature',
      'kubepodcrashlooping',
    ]) {
      expect(all).toContain(expected);
    }
    expect(buttons(message.blocks)).toEqual([
      expect.objectContaining({ action_id: 'awoooi_approve', value: proposalId, style: 'primary' }),
      expect.objectContaining({ action_id: 'awoooi_reject', value: proposalId, style: 'danger' }),
    ]);
    expect(all).toContain(`<${consoleUrl}/#incident-${card.incidentId}|open in the web console>`);
    expect(all).not.toContain('truncated');
    expect(message.text).toContain('KubePodCrashLooping');
    expectWithinLimits(message);
  });

  it('shows flapping, what fixed similar incidents before, and which brain spoke', () => {
    const message = renderBlockKit({
      ...card,
      flapped: { count: 2, lastAt: '2026-03-01T02:50:00.000Z' },
      history: { seen: 3, text: 'seen 3 times, last 12 days ago: restart deployment shop/checkout fixed it in 4 min', similar: [] },
      diagnosis: { source: 'llm', text: 'checkout restarts in a loop.', by: 'ollama llama3.1:8b' },
    });
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('*Flapping:* reopened 2 time(s), last at 2026-03-01T02:50:00.000Z');
    expect(all).toContain('*Seen before:* seen 3 times, last 12 days ago: restart deployment shop/checkout fixed it in 4 min');
    expect(all).toContain('*Diagnosis* (ollama llama3.1:8b)');
    expectWithinLimits(message);
  });

  it('offers no buttons once the proposal is decided, and shows the outcome', () => {
    const done = renderBlockKit({ ...card, proposal: { ...proposal, state: 'VOIDED', outcome: 'voided: generation 3 → 4', missing: '' } });
    expect(buttons(done.blocks)).toEqual([]);
    expect(JSON.stringify(done.blocks)).toContain('*Outcome:* `VOIDED` — voided: generation 3 → 4');
  });

  it('keeps every Block Kit limit for an enormous card, and says visibly where it cut, with a link to the console', () => {
    const long = (unit: string, times: number) => unit.repeat(times);
    const huge: IncidentCard = {
      ...card,
      title: long('VeryLongAlertName ', 40),
      services: Array.from({ length: 400 }, (_, index) => `service-${index}`),
      rootCauses: [
        {
          service: long('s', 300),
          kind: 'database',
          score: 1,
          alerting: true,
          evidence: Array.from({ length: 300 }, (_, index) => `evidence ${index} ${long('x', 80)}`),
        },
        ...Array.from({ length: 200 }, (_, index) => ({ service: `candidate-${index}`, kind: 'service', score: 0.5, alerting: false, evidence: [] })),
      ],
      blastRadius: Array.from({ length: 1000 }, (_, index) => ({ service: `dependent-${index}`, depth: 1 + (index % 3) })),
      cost: { monthlyAtStake: 1e9, text: long('cost ', 1000), actionDelta: long('delta ', 1000) },
      diagnosis: { source: 'llm', text: long('The model rambles on. ', 5000) },
      proposal: {
        ...proposal,
        reason: long('reason ', 2000),
        signatures: Array.from({ length: 200 }, (_, index) => ({ ...proposal.signatures[0]!, personName: `Person ${index}` })),
      },
      runbooks: Array.from({ length: 300 }, (_, index) => `https://runbooks.example.com/${index}/${long('p', 50)}`),
    };
    const message = renderBlockKit(huge, consoleUrl);
    expectWithinLimits(message);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('truncated');
    expect(all).toContain(`${consoleUrl}/#incident-${card.incidentId}|full card in the web console`);
    expect(message.blocks.find((block) => block['type'] === 'header')?.['text'].text).toMatch(/…$/);
    expect(buttons(message.blocks)).toHaveLength(2);

    const withoutConsole = renderBlockKit(huge);
    expectWithinLimits(withoutConsole);
    expect(JSON.stringify(withoutConsole.blocks)).toContain('the full card is in the web console');
  });

  it('never cuts an entity or a link in half', () => {
    const message = renderBlockKit({ ...card, diagnosis: { source: 'llm', text: '&<>'.repeat(3000) }, runbooks: [] }, consoleUrl);
    expectWithinLimits(message);
    for (const { text } of texts(message.blocks)) {
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(text.split('<').length).toBe(text.split('>').length);
    }
  });

  const hostile = [
    '<!channel>',
    '<!here>',
    '<!everyone>',
    '<@U0123ABC>',
    '<#C0123ABC>',
    '<!subteam^S0123>',
    '<http://evil.example/login|https://bank.example>',
    '<https://evil.example>',
    '*bold* _it_ ~strike~ `code` > quote',
    '&lt;!channel&gt;',
    '@channel @here @everyone',
  ];

  it('escapes mentions, links and entities from alerts and models wherever they appear', () => {
    const text = hostile.join(' ');
    const evil: IncidentCard = {
      ...card,
      title: text,
      services: [text],
      rootCauses: [{ service: text, kind: 'service', score: 1, alerting: true, evidence: [text] }],
      blastRadius: [{ service: text, depth: 1 }],
      cost: { monthlyAtStake: 1, text, actionDelta: text },
      diagnosis: { source: 'llm', text, by: text },
      history: { seen: 1, text, similar: [] },
      analysis: { state: 'failed', unmappedAlerts: [text], failure: text },
      proposal: {
        ...proposal,
        description: text,
        reason: text,
        riskReason: text,
        missing: text,
        outcome: text,
        signatures: [{ ...proposal.signatures[0]!, personName: text }],
      },
      runbooks: [],
    };
    const message = renderBlockKit(evil);
    for (const { text: rendered, type } of [...texts(message.blocks), { text: message.text, type: 'mrkdwn' }]) {
      if (type === 'plain_text') continue;
      expect(rendered).not.toMatch(/<[!@#]/);
      expect(rendered).not.toContain('<http');
      expect(rendered).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(rendered).not.toMatch(/@(channel|here|everyone)\b/);
    }
    expect(texts(message.blocks).some((entry) => entry.text.includes('&lt;!channel&gt;'))).toBe(true);
    expect(renderThreadReply('Alice <!channel> <http://a|b> & co')).toBe('Alice &lt;!channel&gt; &lt;http://a|b&gt; &amp; co');
  });

  it('keeps runbook links from closing the link form early', () => {
    const message = renderBlockKit({ ...card, runbooks: ['https://runbooks.example.com/a|<!channel>>x'] });
    const runbooks = texts(message.blocks).find((entry) => entry.text.startsWith('*Runbooks*'))?.text ?? '';
    expect(runbooks).toContain('<https://runbooks.example.com/a%7C%3C!channel%3E%3Ex|');
    expect(runbooks).not.toContain('<!channel>');
  });
});
