import { describe, expect, it } from 'vitest';
import type { ProposalRow, SignatureRow } from '../../../src/approval/proposal.table.ts';
import { cardProposal, signersText } from '../../../src/cards/card-proposal.ts';
import type { Person } from '../../../src/domain/person.ts';

const people: Person[] = [
  { id: 'ann', name: 'Ann Example', roles: ['sre'], accounts: {} },
  { id: 'bob', name: 'Bob Example', roles: ['viewer'], accounts: {} },
  { id: 'cid', name: 'Cid Example', roles: ['devops'], accounts: {} },
];

const row = (overrides: Partial<ProposalRow> = {}): ProposalRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  incident_id: '00000000-0000-4000-8000-0000000000aa',
  action: 'scale_deployment',
  target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
  params: { replicas: 5 },
  reason: 'HighLatency on checkout',
  base_risk: 'HIGH',
  risk: 'HIGH',
  risk_reason: null,
  trust_pattern: 'scale_deployment:shop/checkout*',
  trust_score: 0,
  plan_hash: 'abc',
  dry_run: { ok: true, findings: [{ check: 'rbac', ok: true, message: 'bot may patch deployments/scale' }], state: {}, fingerprint: 'f' },
  cost: null,
  state: 'PENDING',
  requested_by: null,
  superseded_by: null,
  void_reason: null,
  void_diff: null,
  outcome: null,
  created_at: new Date('2024-05-01T10:05:00Z'),
  expires_at: new Date('2024-05-01T10:35:00Z'),
  decided_at: null,
  updated_at: new Date('2024-05-01T10:06:00Z'),
  ...overrides,
});

const signature = (person: string, decision: 'approve' | 'reject', at: string, roles = ['sre']): SignatureRow => ({
  proposal_id: '00000000-0000-4000-8000-000000000001',
  person_id: person,
  decision,
  platform: 'slack',
  account_id: `U-${person}`,
  roles,
  plan_hash: 'abc',
  signed_at: new Date(at),
});

describe('cardProposal', () => {
  it('describes the action through the catalog and counts what is missing with current roles', () => {
    const card = cardProposal(row(), [signature('ann', 'approve', '2024-05-01T10:07:00Z')], people);
    expect(card).toMatchObject({
      description: 'scale deployment shop/checkout to 5 replicas',
      requiredSignatures: 2,
      signersText: 'admin, devops or sre, two different people',
      missing: '1 more signature from admin, devops or sre',
      expiresAt: '2024-05-01T10:35:00.000Z',
      dryRun: { ok: true, findings: [{ check: 'rbac', ok: true, message: 'bot may patch deployments/scale' }] },
      outcome: null,
    });
    expect(card.signatures).toEqual([
      { personId: 'ann', personName: 'Ann Example', roles: ['sre'], platform: 'slack', decision: 'approve', at: '2024-05-01T10:07:00.000Z' },
    ]);
  });

  it('does not count a signer whose role is gone from the configuration', () => {
    // bob signed as sre, but is a viewer now; dan is no longer configured at all.
    const card = cardProposal(row(), [signature('bob', 'approve', '2024-05-01T10:07:00Z'), signature('dan', 'approve', '2024-05-01T10:08:00Z')], people);
    expect(card.missing).toBe('2 more signatures from admin, devops or sre');
    expect(card.signatures.map((entry) => entry.personName)).toEqual(['Bob Example', 'dan']);
  });

  it('lists signatures in signing order and says nothing is missing once decided', () => {
    const card = cardProposal(
      row({ state: 'REJECTED' }),
      [signature('cid', 'reject', '2024-05-01T10:09:00Z', ['devops']), signature('ann', 'approve', '2024-05-01T10:07:00Z')],
      people,
    );
    expect(card.signatures.map((entry) => entry.personId)).toEqual(['ann', 'cid']);
    expect(card.missing).toBe('');
    expect(card.outcome).toBe('rejected by Cid Example');
  });

  it('explains how a proposal ended', () => {
    expect(cardProposal(row({ state: 'VOIDED', void_reason: 'replicas changed 3 → 4 since signing' }), [], people).outcome).toBe(
      'voided: replicas changed 3 → 4 since signing',
    );
    expect(cardProposal(row({ state: 'EXPIRED' }), [], people).outcome).toBe('expired at 2024-05-01T10:35:00.000Z before it was approved');
    expect(cardProposal(row({ state: 'SUCCEEDED', outcome: 'scaled shop/checkout 3 → 5' }), [], people).outcome).toBe('scaled shop/checkout 3 → 5');
    expect(cardProposal(row({ state: 'SUPERSEDED' }), [], people).outcome).toBe('superseded by a newer proposal');
  });

  it('shows a stored row the catalog no longer accepts without throwing', () => {
    const card = cardProposal(row({ action: 'drain_node', target: { kind: 'Node', name: 'node-a' }, params: {}, dry_run: null }), [], people);
    expect(card.description).toBe('drain_node of Node node-a (not in the catalog)');
    expect(card.dryRun).toEqual({ ok: false, findings: [] });
  });

  it('says who may sign each risk level', () => {
    expect(signersText('LOW')).toBe('nobody (LOW)');
    expect(signersText('MEDIUM')).toBe('admin, devops or sre');
    expect(signersText('CRITICAL')).toBe('cto and ciso, two different people');
  });
});
