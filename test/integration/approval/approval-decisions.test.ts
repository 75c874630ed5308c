import { describe, expect, it } from 'vitest';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { endIncidentProposals } from '../../../src/approval/end-incident-proposals.ts';
import { expireProposals } from '../../../src/approval/expire-proposals.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { supersedeProposal } from '../../../src/approval/supersede-proposal.ts';
import { cardProposal } from '../../../src/cards/card-proposal.ts';
import { actions, insertIncident, testPeople, type ApprovalHarness } from '../../support/approval-harness.ts';
import { useApprovalHarness, type ApprovalQueries } from '../../support/use-approval-harness.ts';
import { gatedCluster } from '../../support/gated-cluster.ts';
import { needsService } from '../../support/needs-service.ts';

describe('rejects, expiry and superseding [sandbox cluster, simulated]', () => {
  let h: ApprovalHarness;
  let q: ApprovalQueries;
  useApprovalHarness((created) => ({ h, q } = created));

  const propose = async (planned: unknown, incidentId = h.incidentId) => {
    const created = await createProposal(h.deps, { incidentId, planned, reason: 'checkout pods crash-loop', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    return created.proposal;
  };

  it('an eligible reject ends a pending proposal; later approvals find it closed', async () => {
    const proposal = await propose(actions.cordonNodeA);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    expect(await handleClick(h.deps, h.click('vic', proposal.id, 'reject'))).toMatchObject({ ok: false, error: { code: 'not_eligible' } });
    expect(await handleClick(h.deps, h.click('carol', proposal.id, 'reject'))).toMatchObject({ ok: true, state: 'REJECTED' });
    expect(await handleClick(h.deps, h.click('bob', proposal.id, 'approve'))).toMatchObject({ ok: false, error: { code: 'proposal_closed' } });
    expect(await q.proposal(proposal.id)).toMatchObject({ state: 'REJECTED' });
    expect(h.jobs).toEqual([]);
    expect(await q.auditKinds(proposal.id)).toEqual(['proposal_created', 'signature', 'rejection']);
  });

  it('reject wins over an approval that met quorum, as long as execution has not started', async () => {
    const proposal = await propose(actions.restartCheckout);
    expect(await handleClick(h.deps, h.click('alice', proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(h.jobs).toHaveLength(1);
    expect(await handleClick(h.deps, h.click('bob', proposal.id, 'reject'))).toMatchObject({ ok: true, state: 'REJECTED' });
    // The queued job runs later and finds nothing to do.
    expect(await executeProposal(h.deps, proposal.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(await q.executions(proposal.id)).toEqual([]);
    expect(h.sandbox.executions).toEqual({});
  });

  it('a signer who changes their mind can still reject: their one row becomes the reject', async () => {
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    expect(await handleClick(h.deps, h.click('alice', proposal.id, 'reject', 'telegram', '1001'))).toMatchObject({ ok: true, state: 'REJECTED' });
    expect(await q.signatures(proposal.id)).toMatchObject([{ person_id: 'alice', decision: 'reject', platform: 'telegram' }]);
    const rejection = (await q.audit(proposal.id)).find((entry) => entry.kind === 'rejection');
    expect(rejection?.details).toMatchObject({ withdrewApproval: true, previousState: 'APPROVED' });
  });

  needsService('postgres', 'once execution has started a reject is refused (proposal_closed) and the execution completes', async () => {
    const gated = gatedCluster(h.sandbox);
    const deps = { ...h.deps, cluster: gated.cluster };
    const proposal = await propose(actions.restartCheckout);
    await handleClick(deps, h.click('alice', proposal.id, 'approve'));
    const running = executeProposal(deps, proposal.id);
    await gated.reached;
    expect((await q.proposal(proposal.id)).state).toBe('EXECUTING');
    expect(await handleClick(deps, h.click('bob', proposal.id, 'reject'))).toMatchObject({ ok: false, error: { code: 'proposal_closed' } });
    gated.release();
    expect(await running).toEqual({ ok: true, state: 'SUCCEEDED' });
  });

  it('a reject resets the trust of the pattern to 0', async () => {
    await h.db.insertInto('trust_scores').values({ pattern: 'restart_deployment:shop/checkout*', score: 3 }).execute();
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('bob', proposal.id, 'reject'));
    expect(await q.trust('restart_deployment:shop/checkout*')).toBe(0);
    const change = (await q.audit(proposal.id)).find((entry) => entry.kind === 'trust_changed');
    expect(change?.details).toMatchObject({ pattern: 'restart_deployment:shop/checkout*', from: 3, to: 0, event: 'rejected' });
  });

  it('a click after expiry marks the proposal EXPIRED and says so; it can no longer be approved', async () => {
    const proposal = await propose(actions.restartCheckout);
    h.clock.advance(30 * 60_000);
    expect(await handleClick(h.deps, h.click('alice', proposal.id, 'approve'))).toMatchObject({ ok: false, error: { code: 'approval_expired' } });
    expect(await q.proposal(proposal.id)).toMatchObject({ state: 'EXPIRED' });
    expect(await q.signatures(proposal.id)).toEqual([]);
    expect(await handleClick(h.deps, h.click('bob', proposal.id, 'approve'))).toMatchObject({ ok: false, error: { code: 'proposal_closed' } });
    expect(await q.auditKinds(proposal.id)).toEqual(['proposal_created', 'expired']);
  });

  it('expireProposals expires overdue PENDING and APPROVED proposals once; the approved one never runs', async () => {
    const overdue = await propose(actions.restartCheckout);
    const otherIncident = await insertIncident(h.db);
    const approved = await propose(actions.cordonNodeA, otherIncident);
    await handleClick(h.deps, h.click('alice', approved.id, 'approve'));
    await handleClick(h.deps, h.click('bob', approved.id, 'approve'));
    expect(h.jobs).toEqual([{ name: 'execute-proposal', data: { proposalId: approved.id } }]);
    h.clock.advance(29 * 60_000);
    expect(await expireProposals(h.deps)).toEqual([]);
    h.clock.advance(60_000);
    expect((await expireProposals(h.deps)).sort()).toEqual([overdue.id, approved.id].sort());
    expect(await expireProposals(h.deps)).toEqual([]);
    expect(await q.proposal(overdue.id)).toMatchObject({ state: 'EXPIRED', outcome: expect.stringMatching(/^expired at .* before it was approved$/) });
    expect(await q.proposal(approved.id)).toMatchObject({
      state: 'EXPIRED',
      outcome: expect.stringMatching(/^approved, but not executed before its expiry at .*; not run$/),
    });
    expect(await q.auditKinds(overdue.id)).toEqual(['proposal_created', 'expired']);
    expect(await q.auditKinds(approved.id)).toEqual(['proposal_created', 'signature', 'signature', 'approved', 'expired']);
    expect((await q.audit(approved.id)).at(-1)?.details).toMatchObject({ previousState: 'APPROVED', reason: expect.stringMatching(/not executed/) });

    // The job queued at approval runs late: nothing left to run.
    expect(await executeProposal(h.deps, approved.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(h.sandbox.get('Node', null, 'node-a')?.unschedulable).toBe(false);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        message: 'proposal expired',
        fields: expect.objectContaining({ proposalId: approved.id, previousState: 'APPROVED', reason: expect.any(String) }),
      }),
    );
  });

  it('a queued execution that runs after the expiry, before any sweep, is refused at the claim: EXPIRED, never executed', async () => {
    const proposal = await propose(actions.restartCheckout);
    expect(await handleClick(h.deps, h.click('alice', proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    h.clock.advance(30 * 60_000);
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'EXPIRED' });
    expect(await q.proposal(proposal.id)).toMatchObject({ state: 'EXPIRED', outcome: expect.stringMatching(/not executed before its expiry/) });
    expect(await q.executions(proposal.id)).toEqual([]);
    expect(h.sandbox.executions).toEqual({});
    expect(await q.auditKinds(proposal.id)).toEqual(['proposal_created', 'signature', 'approved', 'expired']);
    expect((await q.audit(proposal.id)).at(-1)?.details).toMatchObject({ noticedBy: 'execution', previousState: 'APPROVED' });
  });

  it('a click on an approved proposal past its expiry expires it too', async () => {
    const proposal = await propose(actions.cordonNodeA);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    await handleClick(h.deps, h.click('bob', proposal.id, 'approve'));
    h.clock.advance(31 * 60_000);
    expect(await handleClick(h.deps, h.click('carol', proposal.id, 'approve'))).toMatchObject({ ok: false, error: { code: 'approval_expired' } });
    expect((await q.proposal(proposal.id)).state).toBe('EXPIRED');
    expect(await executeProposal(h.deps, proposal.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
  });

  it('an approved proposal whose incident resolved is refused at the claim: EXPIRED "incident resolved", shown as the card’s outcome', async () => {
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    // Resolved by ingest; the analysis job that would end the proposal has not run yet.
    await h.db.updateTable('incidents').set({ status: 'resolved', resolved_at: h.clock.now() }).where('id', '=', h.incidentId).execute();
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'EXPIRED' });
    const row = await q.proposal(proposal.id);
    expect(row).toMatchObject({ state: 'EXPIRED', outcome: 'incident resolved' });
    expect(h.sandbox.executions).toEqual({});
    expect((await q.audit(proposal.id)).at(-1)).toMatchObject({ kind: 'expired', details: { reason: 'incident resolved', previousState: 'APPROVED' } });
    expect(cardProposal(row, await q.signatures(proposal.id), testPeople).outcome).toBe('incident resolved');
  });

  it('endIncidentProposals ends the waiting proposals of a resolved incident, and never interrupts an executing one', async () => {
    const pending = await propose(actions.restartCheckout);
    expect(await endIncidentProposals(h.deps, h.incidentId)).toEqual([pending.id]);
    expect(await q.proposal(pending.id)).toMatchObject({ state: 'EXPIRED', outcome: 'incident resolved' });
    expect(await endIncidentProposals(h.deps, h.incidentId)).toEqual([]);

    const gated = gatedCluster(h.sandbox);
    const deps = { ...h.deps, cluster: gated.cluster };
    const running = await propose(actions.cordonNodeA);
    await handleClick(deps, h.click('alice', running.id, 'approve'));
    await handleClick(deps, h.click('bob', running.id, 'approve'));
    const execution = executeProposal(deps, running.id);
    await gated.reached;
    h.clock.advance(60 * 60_000);
    expect(await endIncidentProposals(deps, h.incidentId)).toEqual([]);
    expect(await expireProposals(deps)).toEqual([]);
    expect((await q.proposal(running.id)).state).toBe('EXECUTING');
    gated.release();
    expect(await execution).toEqual({ ok: true, state: 'SUCCEEDED' });
  });

  it('a newer proposal supersedes the live one; the old one’s signatures do not carry over', async () => {
    const first = await propose(actions.cordonNodeA);
    await handleClick(h.deps, h.click('alice', first.id, 'approve'));
    const second = await propose(actions.cordonNodeA);
    expect(await q.proposal(first.id)).toMatchObject({ state: 'SUPERSEDED', superseded_by: second.id });
    expect(second.state).toBe('PENDING');
    expect(await q.signatures(second.id)).toEqual([]);
    expect(await handleClick(h.deps, h.click('bob', first.id, 'approve'))).toMatchObject({ ok: false, error: { code: 'proposal_closed' } });
    expect(await handleClick(h.deps, h.click('bob', second.id, 'approve'))).toMatchObject({ ok: true, state: 'PENDING' });
    expect(await q.auditKinds(first.id)).toEqual(['proposal_created', 'signature', 'proposal_superseded']);
  });

  it('a newer proposal given a reason keeps it on the one it supersedes (outcome, audit, log)', async () => {
    const first = await propose(actions.restartCheckout);
    const reason = 'no longer follows from the analysis: top root cause is now orders-db; it proposes cordon node node-a instead';
    const created = await createProposal(h.deps, {
      incidentId: h.incidentId,
      planned: actions.cordonNodeA,
      reason: 'r',
      requestedBy: null,
      supersedeReason: reason,
    });
    if (!created.ok) throw new Error(created.error.message);
    expect(await q.proposal(first.id)).toMatchObject({ state: 'SUPERSEDED', superseded_by: created.proposal.id, outcome: reason });
    expect((await q.audit(first.id)).at(-1)).toMatchObject({ kind: 'proposal_superseded', details: { reason, supersededBy: created.proposal.id } });
    expect(h.logs).toContainEqual({
      level: 'info',
      message: 'proposal superseded',
      fields: { proposalId: first.id, incidentId: h.incidentId, previousState: 'PENDING', state: 'SUPERSEDED', reason, supersededBy: created.proposal.id },
    });
  });

  it('supersedeProposal ends a waiting proposal that no longer follows, with its reason; never an executing one', async () => {
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    const reason = 'no longer follows from the analysis: top root cause is now orders-db; no action proposed';
    expect(await supersedeProposal(h.deps, proposal.id, reason)).toBe(true);
    expect(await q.proposal(proposal.id)).toMatchObject({ state: 'SUPERSEDED', outcome: reason, superseded_by: null });
    expect(await executeProposal(h.deps, proposal.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(await supersedeProposal(h.deps, proposal.id, reason)).toBe(false);
    expect(h.logs.filter((line) => line.message === 'proposal superseded')).toHaveLength(1);

    const gated = gatedCluster(h.sandbox);
    const deps = { ...h.deps, cluster: gated.cluster };
    const running = await propose(actions.restartCheckout);
    await handleClick(deps, h.click('alice', running.id, 'approve'));
    const execution = executeProposal(deps, running.id);
    await gated.reached;
    expect(await supersedeProposal(deps, running.id, reason)).toBe(false);
    gated.release();
    expect(await execution).toEqual({ ok: true, state: 'SUCCEEDED' });
  });

  it('superseding an APPROVED proposal cancels its queued execution', async () => {
    const first = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('alice', first.id, 'approve'));
    const second = await propose(actions.restartCheckout);
    expect(await q.proposal(first.id)).toMatchObject({ state: 'SUPERSEDED', superseded_by: second.id });
    expect(await executeProposal(h.deps, first.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(h.sandbox.executions).toEqual({});
  });

  needsService('postgres', 'no new proposal while one of the incident is executing', async () => {
    const gated = gatedCluster(h.sandbox);
    const deps = { ...h.deps, cluster: gated.cluster };
    const first = await propose(actions.restartCheckout);
    await handleClick(deps, h.click('alice', first.id, 'approve'));
    const running = executeProposal(deps, first.id);
    await gated.reached;
    const blocked = await createProposal(deps, { incidentId: h.incidentId, planned: actions.cordonNodeA, reason: 'r', requestedBy: null });
    expect(blocked).toMatchObject({ ok: false, error: { code: 'execution_in_progress' } });
    gated.release();
    expect(await running).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect((await createProposal(deps, { incidentId: h.incidentId, planned: actions.cordonNodeA, reason: 'r', requestedBy: null })).ok).toBe(true);
  });
});
