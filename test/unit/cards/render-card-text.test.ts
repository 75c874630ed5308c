import { describe, expect, it } from 'vitest';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import { renderCardText } from '../../../src/cards/render-card-text.ts';

const card: IncidentCard = {
  incidentId: '00000000-0000-4000-8000-0000000000aa',
  number: 7,
  title: 'PostgresDown on orders-db (+2 more)',
  severity: 'critical',
  status: 'open',
  mergedInto: null,
  absorbed: [],
  services: ['checkout', 'orders-db', 'payments'],
  openedAt: '2024-05-01T10:00:00.000Z',
  analysis: { state: 'done', unmappedAlerts: [], failure: null },
  rootCauses: [
    {
      service: 'orders-db',
      kind: 'database',
      score: 1,
      alerting: true,
      evidence: ['"orders-db" is alerting: PostgresDown (critical) since 10:00:00Z', 'checkout → orders-db (1 hop); checkout is alerting: HighLatency'],
    },
    { service: 'payments', kind: 'service', score: 0.667, alerting: true, evidence: [] },
  ],
  blastRadius: [
    { service: 'api', depth: 1 },
    { service: 'storefront', depth: 2 },
  ],
  cost: {
    monthlyAtStake: 69.93,
    text: '$69.93/month at stake (checkout $43.80, payments $26.13); cost unknown for orders-db (no resource requests known)',
    actionDelta: 'scaling checkout 3 → 5 replicas adds $29.20/month',
  },
  diagnosis: { source: 'rules', text: 'orders-db is the likely root cause.' },
  proposal: {
    id: 'p1',
    action: 'scale_deployment',
    description: 'scale deployment shop/checkout to 5 replicas',
    target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
    params: { replicas: 5 },
    reason: 'HighLatency on checkout',
    baseRisk: 'HIGH',
    risk: 'MEDIUM',
    riskReason: 'lowered HIGH → MEDIUM (one signature): trust 10 for scale_deployment:shop/checkout*',
    requiredSignatures: 1,
    signersText: 'admin, devops or sre',
    state: 'PENDING',
    expiresAt: '2024-05-01T10:35:00.000Z',
    dryRun: {
      ok: false,
      findings: [
        { check: 'rbac', ok: true, message: 'allowed' },
        { check: 'pdb', ok: false, message: 'checkout-pdb allows no disruption' },
      ],
    },
    signatures: [{ personId: 'bob', personName: 'Bob', roles: ['viewer'], platform: 'telegram', decision: 'approve', at: '2024-05-01T10:07:00.000Z' }],
    missing: '1 more signature from admin, devops or sre',
    outcome: null,
  },
  flapped: null,
  history: null,
  runbooks: ['https://runbooks.example.com/postgres/postgres-down'],
  updatedAt: '2024-05-01T10:07:00.000Z',
};

describe('renderCardText', () => {
  it('renders every part of the card as plain text', () => {
    expect(renderCardText(card)).toBe(
      [
        '#7 PostgresDown on orders-db (+2 more)',
        'severity critical · open · opened 2024-05-01T10:00:00.000Z',
        'services: checkout, orders-db, payments',
        'root cause: orders-db (database, alerting, score 1.00)',
        '  - "orders-db" is alerting: PostgresDown (critical) since 10:00:00Z',
        '  - checkout → orders-db (1 hop); checkout is alerting: HighLatency',
        'other candidates: payments (0.67)',
        'blast radius: api (1 hop), storefront (2 hops)',
        'cost: $69.93/month at stake (checkout $43.80, payments $26.13); cost unknown for orders-db (no resource requests known)',
        '  proposal: scaling checkout 3 → 5 replicas adds $29.20/month',
        'diagnosis (rules): orders-db is the likely root cause.',
        'proposal: scale deployment shop/checkout to 5 replicas [PENDING]',
        '  reason: HighLatency on checkout',
        '  risk: MEDIUM (catalog: HIGH) · lowered HIGH → MEDIUM (one signature): trust 10 for scale_deployment:shop/checkout*',
        '  required signatures: 1 (admin, devops or sre)',
        '  dry-run: FAILED',
        '    ✗ pdb: checkout-pdb allows no disruption',
        '  signatures so far:',
        '    ✓ approved by Bob (viewer) via telegram at 2024-05-01T10:07:00.000Z',
        '  missing: 1 more signature from admin, devops or sre',
        '  expires: 2024-05-01T10:35:00.000Z',
        'runbook: https://runbooks.example.com/postgres/postgres-down',
        '',
      ].join('\n'),
    );
  });

  it('says what is not known yet, and how it ended', () => {
    const text = renderCardText({
      ...card,
      rootCauses: [],
      blastRadius: [],
      cost: null,
      diagnosis: null,
      runbooks: [],
      proposal: { ...card.proposal!, state: 'SUCCEEDED', signatures: [], missing: '', outcome: 'scaled shop/checkout 3 → 5' },
    });
    expect(text).toContain('root cause: unknown: no alert names a service of the topology\n');
    expect(text).toContain('blast radius: nothing depends on the failing services\n');
    expect(text).toContain('diagnosis: pending\n');
    expect(text).toContain('  signatures so far: none\n');
    expect(text).not.toContain('expires');
    expect(text).toMatch(/outcome: scaled shop\/checkout 3 → 5\n$/);
    expect(renderCardText({ ...card, proposal: null })).toContain('proposal: none\n');
  });

  it('says the analysis is still running, found nothing to map, or failed — never "analysing" forever', () => {
    const none = { ...card, rootCauses: [], blastRadius: [] };
    expect(renderCardText({ ...none, analysis: { state: 'pending', unmappedAlerts: [], failure: null } })).toContain('root cause: analysing…\n');
    const unmapped = renderCardText({ ...none, analysis: { state: 'done', unmappedAlerts: ['Watchdog', 'NodeClockSkew'], failure: null } });
    expect(unmapped).toContain('root cause: unknown: no alert names a service of the topology (Watchdog, NodeClockSkew)\n');
    expect(unmapped).not.toContain('analysing');
    const failed = renderCardText({ ...none, analysis: { state: 'failed', unmappedAlerts: [], failure: 'database unreachable (5 attempts)' } });
    expect(failed).toContain('analysis failed: database unreachable (5 attempts)\n');
    expect(failed).toContain('root cause: unknown (analysis failed)\n');
  });

  it('shows a dry-run warning as a warning, not as a pass or a failure', () => {
    const findings = [
      { check: 'rbac' as const, ok: true, message: 'may patch deployments' },
      { check: 'pdb' as const, ok: true, warning: true, message: 'scales below checkout-pdb minAvailable 2' },
    ];
    const text = renderCardText({ ...card, proposal: { ...card.proposal!, dryRun: { ok: true, findings } } });
    expect(text).toContain('  dry-run: passed\n    ⚠ pdb: scales below checkout-pdb minAvailable 2\n');
    expect(text).not.toContain('may patch deployments');
  });
});
