import { describe, expect, it } from 'vitest';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { actions, type ApprovalHarness } from '../../support/approval-harness.ts';
import { useApprovalHarness, type ApprovalQueries } from '../../support/use-approval-harness.ts';

describe('approval flows by risk level (real PostgreSQL, sandbox cluster)', () => {
  let h: ApprovalHarness;
  let q: ApprovalQueries;
  useApprovalHarness((created) => ({ h, q } = created));

  const propose = async (planned: unknown, requestedBy: string | null = null) => {
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned, reason: 'checkout pods crash-loop', requestedBy });
    if (!created.ok) throw new Error(created.error.message);
    return created.proposal;
  };

  it('LOW: approved at once after a passing dry-run, execution enqueued, announced through risk_reason; it earns no trust', async () => {
    h.deps.riskOverrides = { restart_deployment: 'LOW' };
    const proposal = await propose(actions.restartCheckout);
    expect(proposal).toMatchObject({ state: 'APPROVED', risk: 'LOW', base_risk: 'LOW', risk_reason: expect.stringMatching(/^auto-approved/) });
    expect(h.jobs).toEqual([{ name: 'execute-proposal', data: { proposalId: proposal.id } }]);
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    const [execution] = await q.executions(proposal.id);
    expect(execution).toMatchObject({ status: 'succeeded', reconciled: false });
    expect(h.sandbox.executions[execution!.id]).toBe(1);
    // Approved by policy, not by people: nothing learnt about anyone's judgement.
    expect(await q.auditKinds(proposal.id)).toEqual(['proposal_created', 'approved', 'execution_started', 'execution_succeeded']);
    expect(await q.trust('restart_deployment:shop/checkout*')).toBe(0);
    expect((await q.audit(proposal.id)).find((entry) => entry.kind === 'execution_started')?.details).toMatchObject({ approvedBy: 'policy' });
    expect(h.events).toContainEqual({ type: 'incident-updated', incidentId: h.incidentId });
  });

  it('MEDIUM: one signature from admin, devops or sre; a viewer may not sign', async () => {
    const proposal = await propose(actions.restartCheckout);
    expect(proposal).toMatchObject({ state: 'PENDING', risk: 'MEDIUM', risk_reason: null });
    const viewer = await handleClick(h.deps, h.click('vic', proposal.id, 'approve'));
    expect(viewer).toMatchObject({ ok: false, error: { code: 'not_eligible' } });
    expect(h.jobs).toEqual([]);

    const signed = await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    expect(signed).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(h.jobs).toEqual([{ name: 'execute-proposal', data: { proposalId: proposal.id } }]);
    const [signature] = await q.signatures(proposal.id);
    expect(signature).toMatchObject({
      person_id: 'alice',
      decision: 'approve',
      platform: 'slack',
      account_id: 'U_ALICE',
      roles: ['sre'],
      plan_hash: proposal.plan_hash,
    });

    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect(await q.proposal(proposal.id)).toMatchObject({
      state: 'SUCCEEDED',
      outcome: expect.stringMatching(/^restarted deployment shop\/checkout: .* \(simulated\)$/),
    });
    expect(await q.trust('restart_deployment:shop/checkout*')).toBe(1);
  });

  it('HIGH: two different people; the same person from Slack and then Telegram counts once', async () => {
    const proposal = await propose(actions.cordonNodeA);
    expect(proposal).toMatchObject({ state: 'PENDING', risk: 'HIGH' });
    const first = await handleClick(h.deps, h.click('alice', proposal.id, 'approve', 'slack', 'U_ALICE'));
    expect(first).toMatchObject({ ok: true, state: 'PENDING', message: expect.stringMatching(/1 more signature/) });
    const again = await handleClick(h.deps, h.click('alice', proposal.id, 'approve', 'telegram', '1001'));
    expect(again).toMatchObject({ ok: false, error: { code: 'already_signed' } });
    expect(await q.signatures(proposal.id)).toHaveLength(1);
    expect((await q.proposal(proposal.id)).state).toBe('PENDING');
    expect(h.jobs).toEqual([]);

    const second = await handleClick(h.deps, h.click('bob', proposal.id, 'approve', 'discord', '2002'));
    expect(second).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect(h.sandbox.get('Node', null, 'node-a')?.unschedulable).toBe(true);
  });

  it('CRITICAL: cto and ciso, two different people; one person holding both roles is not enough; overrides never lower it', async () => {
    h.deps.riskOverrides = { delete_namespace: 'LOW' };
    const proposal = await propose(actions.deletePreviewNamespace);
    expect(proposal).toMatchObject({ state: 'PENDING', risk: 'CRITICAL', base_risk: 'CRITICAL' });
    expect(await handleClick(h.deps, h.click('alice', proposal.id, 'approve'))).toMatchObject({ ok: false, error: { code: 'not_eligible' } });

    const twoHats = await handleClick(h.deps, h.click('both', proposal.id, 'approve'));
    expect(twoHats).toMatchObject({ ok: true, state: 'PENDING', message: expect.stringMatching(/second person/) });
    expect(await handleClick(h.deps, h.click('both', proposal.id, 'approve', 'telegram', '3003'))).toMatchObject({
      ok: false,
      error: { code: 'already_signed' },
    });
    expect((await q.proposal(proposal.id)).state).toBe('PENDING');

    expect(await handleClick(h.deps, h.click('ciso', proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect(h.sandbox.get('Namespace', null, 'preview-pr-142')).toBeUndefined();
  });

  it('four eyes: whoever asked for the action cannot approve it, except LOW', async () => {
    const proposal = await propose(actions.restartCheckout, 'alice');
    expect(await handleClick(h.deps, h.click('alice', proposal.id, 'approve'))).toMatchObject({ ok: false, error: { code: 'four_eyes' } });
    expect(await q.signatures(proposal.id)).toEqual([]);
    expect(await handleClick(h.deps, h.click('bob', proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });

    h.deps.riskOverrides = { cordon_node: 'LOW' };
    const low = await propose(actions.cordonNodeA, 'alice');
    expect(low.state).toBe('APPROVED');
    expect(await handleClick(h.deps, h.click('alice', low.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
  });

  it('refuses what it cannot stand behind: unknown actions, failing dry-runs, unknown incidents, people and proposals', async () => {
    const invalid = await createProposal(h.deps, {
      incidentId: h.incidentId,
      planned: { action: 'drop_table', target: { kind: 'Table', name: 'x' } },
      reason: 'r',
      requestedBy: null,
    });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_action' } });
    const badParams = await createProposal(h.deps, {
      incidentId: h.incidentId,
      planned: { ...actions.restartCheckout, params: { force: true } },
      reason: 'r',
      requestedBy: null,
    });
    expect(badParams).toMatchObject({ ok: false, error: { code: 'invalid_action' } });
    const cartPod = h.sandbox.pods('shop', 'cart')[0]!;
    const blocked = await createProposal(h.deps, {
      incidentId: h.incidentId,
      planned: { action: 'evict_pod', target: { kind: 'Pod', namespace: 'shop', name: cartPod.name }, params: {} },
      reason: 'r',
      requestedBy: null,
    });
    expect(blocked).toMatchObject({ ok: false, error: { code: 'dry_run_failed', message: expect.stringMatching(/cart-pdb allows no disruption/) } });
    const unknownIncident = await createProposal(h.deps, {
      incidentId: '00000000-0000-4000-8000-000000000000',
      planned: actions.restartCheckout,
      reason: 'r',
      requestedBy: null,
    });
    expect(unknownIncident).toMatchObject({ ok: false, error: { code: 'unknown_incident' } });
    expect(await h.db.selectFrom('proposals').select('id').execute()).toEqual([]);

    const proposal = await propose(actions.restartCheckout);
    expect(await handleClick(h.deps, { platform: 'slack', accountId: 'U_STRANGER', proposalId: proposal.id, decision: 'approve' })).toMatchObject({
      ok: false,
      error: { code: 'unknown_person' },
    });
    expect(await handleClick(h.deps, h.click('alice', '00000000-0000-4000-8000-000000000000', 'approve'))).toMatchObject({
      ok: false,
      error: { code: 'unknown_proposal' },
    });
    expect(await handleClick(h.deps, h.click('alice', 'not-a-uuid', 'approve'))).toMatchObject({ ok: false, error: { code: 'invalid_click' } });
    expect(await executeProposal(h.deps, proposal.id)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(h.sandbox.executions).toEqual({});
  });

  it('the click door parses its input: anything but a well-formed click is invalid_click and changes nothing', async () => {
    const proposal = await propose(actions.restartCheckout);
    const valid = h.click('alice', proposal.id, 'approve');
    for (const input of [
      { ...valid, risk: 'LOW' },
      { ...valid, platform: 'irc' },
      { ...valid, decision: 'maybe' },
      { ...valid, accountId: '' },
      { platform: 'slack', accountId: 'U_ALICE' },
      null,
      'approve',
    ]) {
      const result = await handleClick(h.deps, input);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_click', message: expect.stringMatching(/could not be read/) } });
    }
    expect(await q.proposal(proposal.id)).toMatchObject({ state: 'PENDING' });
    expect(await q.signatures(proposal.id)).toEqual([]);
    expect(await q.auditKinds(proposal.id)).toEqual(['proposal_created']);
    expect(h.jobs).toEqual([]);
  });

  it('leaves one structured log line per proposal, click and execution start and end', async () => {
    const proposal = await propose(actions.restartCheckout);
    await handleClick(h.deps, h.click('vic', proposal.id, 'approve'));
    await handleClick(h.deps, h.click('alice', proposal.id, 'approve'));
    await executeProposal(h.deps, proposal.id);
    const [execution] = await q.executions(proposal.id);
    const lines = h.logs.map((line) => ({ message: line.message, fields: line.fields }));
    expect(lines).toEqual([
      {
        message: 'proposal created',
        fields: expect.objectContaining({ proposalId: proposal.id, incidentId: h.incidentId, action: 'restart_deployment', risk: 'MEDIUM', state: 'PENDING' }),
      },
      { message: 'click', fields: { proposalId: proposal.id, personId: 'vic', platform: 'slack', decision: 'approve', result: 'not_eligible' } },
      { message: 'click', fields: { proposalId: proposal.id, personId: 'alice', platform: 'slack', decision: 'approve', result: 'APPROVED' } },
      { message: 'execution started', fields: expect.objectContaining({ proposalId: proposal.id, executionId: execution!.id, action: 'restart_deployment' }) },
      {
        message: 'execution finished',
        fields: expect.objectContaining({
          proposalId: proposal.id,
          executionId: execution!.id,
          state: 'SUCCEEDED',
          outcome: expect.stringMatching(/restarted/),
        }),
      },
    ]);
  });
});
