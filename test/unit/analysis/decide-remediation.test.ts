import { describe, expect, it } from 'vitest';
import { decideRemediation, planKey, type ExistingProposal } from '../../../src/analysis/decide-remediation.ts';
import type { Diagnosis } from '../../../src/ports/brain-port.ts';

const restart = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} };
const scale = { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: { replicas: 3 } };
const diagnosis = (...planned: unknown[]): Diagnosis => ({
  source: 'rules',
  summary: 'api is the likely root cause',
  proposals: planned.map((plan, index) => ({ planned: plan, reason: `reason ${index}` })),
});
const existing = (id: string, plan: typeof restart | typeof scale, state: ExistingProposal['state'], requestedBy: string | null = null): ExistingProposal => ({
  id,
  ...plan,
  state,
  requestedBy,
});

describe('decideRemediation', () => {
  it('proposes the first proposal on a fresh incident', () => {
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(restart), existing: [] })).toEqual({
      kind: 'propose',
      planned: restart,
      reason: 'reason 0',
      replaces: null,
      supersedeReason: null,
    });
  });

  it('skips a resolved incident', () => {
    expect(decideRemediation({ status: 'resolved', diagnosis: diagnosis(restart), existing: [] })).toMatchObject({ kind: 'skip', reason: 'incident_resolved' });
  });

  it('skips a diagnosis without proposals', () => {
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(), existing: [] })).toMatchObject({ kind: 'skip', reason: 'no_proposal' });
  });

  it('takes the first proposal that fits the catalog, never one outside it', () => {
    const invented = { action: 'kubectl_exec', target: restart.target, params: {} };
    const extraParam = { ...restart, params: { force: true } };
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(invented, extraParam, scale), existing: [] })).toMatchObject({
      kind: 'propose',
      planned: scale,
      reason: 'reason 2',
    });
    const refused = decideRemediation({ status: 'open', diagnosis: diagnosis(invented, extraParam), existing: [] });
    expect(refused).toMatchObject({ kind: 'skip', reason: 'no_valid_proposal' });
    expect(refused.kind === 'skip' && refused.message).toMatch(/"kubectl_exec" is not an action in the catalog; restart_deployment: .*force/);
  });

  it('does not propose again what is already live, whatever order the keys come in', () => {
    const reordered = { params: {}, target: { name: 'api', namespace: 'payments', kind: 'Deployment' }, action: 'restart_deployment' };
    for (const state of ['PENDING', 'APPROVED'] as const) {
      expect(decideRemediation({ status: 'open', diagnosis: diagnosis(reordered), existing: [existing('p1', restart, state)] })).toMatchObject({
        kind: 'skip',
        reason: 'same_plan_live',
      });
    }
  });

  it('proposes a different plan, replacing the live one', () => {
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(scale), existing: [existing('p1', restart, 'PENDING')] })).toMatchObject({
      kind: 'propose',
      planned: scale,
      replaces: 'p1',
    });
    const rescale = { ...scale, params: { replicas: 4 } };
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(rescale), existing: [existing('p1', scale, 'PENDING')] })).toMatchObject({
      kind: 'propose',
    });
  });

  it('never replaces a running execution', () => {
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(scale), existing: [existing('p1', restart, 'EXECUTING')] })).toMatchObject({
      kind: 'skip',
      reason: 'execution_in_progress',
    });
  });

  it('does not ask again for a plan a human rejected, but does after it expired or was voided', () => {
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(restart), existing: [existing('p1', restart, 'REJECTED')] })).toMatchObject({
      kind: 'skip',
      reason: 'same_plan_rejected',
    });
    for (const state of ['EXPIRED', 'VOIDED', 'SUPERSEDED'] as const) {
      expect(decideRemediation({ status: 'open', diagnosis: diagnosis(restart), existing: [existing('p1', restart, state)] })).toMatchObject({
        kind: 'propose',
        replaces: null,
      });
    }
  });

  it('retires the live proposal the bot made when the analysis no longer proposes anything, saying why', () => {
    for (const state of ['PENDING', 'APPROVED'] as const) {
      expect(decideRemediation({ status: 'open', diagnosis: diagnosis(), existing: [existing('p1', restart, state)], topRootCause: 'orders-db' })).toEqual({
        kind: 'skip',
        reason: 'no_proposal',
        message: 'the diagnosis proposes no action',
        retire: { proposalId: 'p1', reason: 'no longer follows from the analysis: top root cause is now orders-db; no action proposed' },
      });
    }
    const invented = { action: 'kubectl_exec', target: restart.target, params: {} };
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(invented), existing: [existing('p1', restart, 'PENDING')] })).toMatchObject({
      reason: 'no_valid_proposal',
      retire: { proposalId: 'p1', reason: 'no longer follows from the analysis: no root cause is ranked now; no action proposed' },
    });
  });

  it('retires the live proposal when the analysis now proposes only a plan a human rejected', () => {
    const decision = decideRemediation({
      status: 'open',
      diagnosis: diagnosis(scale),
      existing: [existing('p2', restart, 'PENDING'), existing('p1', scale, 'REJECTED')],
      topRootCause: 'checkout',
    });
    expect(decision).toMatchObject({
      kind: 'skip',
      reason: 'same_plan_rejected',
      retire: { proposalId: 'p2', reason: expect.stringMatching(/rejected before$/) },
    });
  });

  it('says why a replaced proposal gives way', () => {
    expect(
      decideRemediation({ status: 'open', diagnosis: diagnosis(scale), existing: [existing('p1', restart, 'APPROVED')], topRootCause: 'checkout' }),
    ).toMatchObject({
      kind: 'propose',
      replaces: 'p1',
      supersedeReason: 'no longer follows from the analysis: top root cause is now checkout; it proposes scale deployment shop/checkout to 3 replicas instead',
    });
  });

  it('leaves alone a proposal a person asked for, and one that is executing or still follows', () => {
    const requested = existing('p1', restart, 'PENDING', 'alice');
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(), existing: [requested] })).toMatchObject({ kind: 'skip', retire: null });
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(), existing: [existing('p1', restart, 'EXECUTING')] })).toMatchObject({
      kind: 'skip',
      reason: 'execution_in_progress',
      retire: null,
    });
    expect(decideRemediation({ status: 'open', diagnosis: diagnosis(restart), existing: [existing('p1', restart, 'PENDING')] })).toMatchObject({
      retire: null,
    });
  });

  it('keys plans by action, target and parameters only', () => {
    expect(planKey({ action: 'a', target: { name: 'x', namespace: undefined }, params: undefined })).toBe(
      planKey({ action: 'a', target: { name: 'x' }, params: {} }),
    );
    expect(planKey(scale)).not.toBe(planKey({ ...scale, params: { replicas: 4 } }));
  });
});
