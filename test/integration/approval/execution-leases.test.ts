import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import type { ApprovalDependencies } from '../../../src/approval/approval-dependencies.ts';
import { claimExecution } from '../../../src/approval/claim-execution.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { finishExecution } from '../../../src/approval/finish-execution.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { sweepExecutions } from '../../../src/approval/sweep-executions.ts';
import { verifyAuditChain } from '../../../src/audit/verify-audit-chain.ts';
import { InProcessEventBus } from '../../../src/events/in-process-event-bus.ts';
import { manualClock } from '../../../src/ports/clock.ts';
import type { ClusterPort } from '../../../src/ports/cluster-port.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { migrateToLatest } from '../../../src/storage/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../../../src/storage/open-database.ts';
import { actions, insertIncident, slackOf, testPeople, testStart, type ApprovalHarness } from '../../support/approval-harness.ts';
import { gatedCluster } from '../../support/gated-cluster.ts';
import { needsService } from '../../support/needs-service.ts';
import { useApprovalHarness, type ApprovalQueries } from '../../support/use-approval-harness.ts';

/** Resolves with `value`, or with 'timed out' after `milliseconds`: for "this happens while that is still waiting". */
const within = <T>(promise: Promise<T>, milliseconds = 10_000) => Promise.race([promise, sleep(milliseconds).then(() => 'timed out' as const)]);

describe('the embedded database (PGlite, one connection) while an execution waits on the cluster [sandbox cluster, simulated]', () => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await openDatabase({ dataDir: 'memory://' });
    const migrated = await migrateToLatest(handle.db);
    if (!migrated.ok) throw new Error(migrated.error);
  });
  afterEach(async () => {
    await handle.close();
  });

  it('answers every other query (a new proposal, a click, a read) while the execution is held at a slow cluster call', async () => {
    const sandbox = SandboxCluster.withDemoData();
    const gated = gatedCluster(sandbox);
    const deps: ApprovalDependencies = {
      db: handle.db,
      cluster: gated.cluster,
      clock: manualClock(testStart),
      jobs: { enqueue: async () => {} },
      events: new InProcessEventBus(),
      log: silentLogger,
      people: testPeople,
      expiryMinutes: 30,
      leaseMilliseconds: 300,
    };
    const click = (personId: string, proposalId: string) =>
      handleClick(deps, { platform: 'slack', accountId: slackOf[personId]!, proposalId, decision: 'approve' });
    const [first, second] = [await insertIncident(handle.db), await insertIncident(handle.db)];
    const executing = await createProposal(deps, { incidentId: first, planned: actions.restartCheckout, reason: 'slow cluster', requestedBy: null });
    if (!executing.ok) throw new Error(executing.error.message);
    await click('alice', executing.proposal.id);
    const running = executeProposal(deps, executing.proposal.id);
    try {
      await gated.reached;
      const meanwhile = within(
        (async () => {
          const other = await createProposal(deps, { incidentId: second, planned: actions.cordonNodeA, reason: 'meanwhile', requestedBy: null });
          if (!other.ok) throw new Error(other.error.message);
          const clicked = await click('alice', other.proposal.id);
          // Long enough for several heartbeats, which must not freeze anything either.
          await sleep(700);
          const { rows } = await sql<{ state: string }>`SELECT state FROM proposals WHERE id = ${executing.proposal.id}`.execute(handle.db);
          return { clicked: clicked.ok && clicked.state, executingState: rows[0]?.state };
        })(),
      );
      expect(await meanwhile).toEqual({ clicked: 'PENDING', executingState: 'EXECUTING' });
    } finally {
      gated.release();
    }
    expect(await running).toEqual({ ok: true, state: 'SUCCEEDED' });
  });
});

describe('execution leases [sandbox cluster, simulated]', () => {
  let h: ApprovalHarness;
  let q: ApprovalQueries;
  useApprovalHarness((created) => ({ h, q } = created));

  const approved = async (deps: ApprovalDependencies = h.deps) => {
    const created = await createProposal(deps, { incidentId: h.incidentId, planned: actions.restartCheckout, reason: 'lease test', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    expect(await handleClick(deps, h.click('alice', created.proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    return created.proposal;
  };

  /** An execution claimed by an owner that then vanished: EXECUTING, its lease already run out. */
  const abandoned = async (owner: string) => {
    const proposal = await approved();
    const claim = await h.db.transaction().execute((trx) => claimExecution(trx, h.deps, proposal.id, { owner, milliseconds: 1 }));
    if (claim.kind !== 'claimed') throw new Error(claim.kind);
    await sleep(20);
    return claim;
  };

  it('an execution left running by a version without leases (no lease at all) is settled by the sweep', async () => {
    const claim = await abandoned('old');
    await h.db.updateTable('executions').set({ lease_owner: null, lease_expires_at: null }).where('id', '=', claim.lease.executionId).execute();
    expect(await sweepExecutions(h.deps)).toMatchObject([{ proposalId: claim.proposal.id, found: 'not_applied', state: 'FAILED' }]);
    const [reconciled] = (await q.audit(claim.proposal.id)).filter((entry) => entry.kind === 'execution_reconciled');
    expect(reconciled?.details).toMatchObject({ previousLeaseOwner: null });
  });

  it('an owner whose lease was taken over records nothing: the sweep’s outcome stands', async () => {
    const claim = await abandoned('slow-owner');
    expect(await sweepExecutions(h.deps)).toEqual([
      { proposalId: claim.proposal.id, executionId: claim.lease.executionId, found: 'not_applied', state: 'FAILED' },
    ]);
    const late = await h.db.transaction().execute((trx) =>
      finishExecution(
        trx,
        h.clock,
        claim.proposal,
        claim.lease,
        {
          state: 'SUCCEEDED',
          outcome: 'finished late',
          earnsTrust: true,
          audit: { kind: 'execution_succeeded', details: {} },
        },
        { simulated: true },
      ),
    );
    expect(late).toBe(false);
    expect(await q.proposal(claim.proposal.id)).toMatchObject({ state: 'FAILED', outcome: 'interrupted before it took effect; not retried (simulated)' });
    expect(await q.trust(claim.proposal.trust_pattern)).toBe(0);
    expect(await q.auditKinds(claim.proposal.id)).toEqual(['proposal_created', 'signature', 'approved', 'execution_started', 'execution_reconciled']);
  });

  /**
   * An execution (lease 400 ms) held at the cluster's gate, and a second session on the database, as another
   * replica or a database in trouble would be: `meddle` acts through it while the execution waits.
   */
  async function meddleInFlight(meddle: (other: pg.Client, proposalId: string, gated: ReturnType<typeof gatedCluster>) => Promise<void>) {
    const gated = gatedCluster(h.sandbox);
    const deps: ApprovalDependencies = { ...h.deps, cluster: gated.cluster, leaseMilliseconds: 400 };
    const proposal = await approved(deps);
    const running = executeProposal(deps, proposal.id);
    await gated.reached;
    const other = new pg.Client({ connectionString: h.database.url });
    await other.connect();
    try {
      await meddle(other, proposal.id, gated);
    } finally {
      await other.end();
    }
    return { proposal, result: await running };
  }

  needsService('postgres', 'a heartbeat that cannot renew (database away) cuts the cluster call off before the lease runs out', async () => {
    const { proposal, result } = await meddleInFlight(async (blocker, proposalId, gated) => {
      // The other session holds the executions row: every renewal waits, as it would for an unreachable database.
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM executions WHERE proposal_id = $1 FOR UPDATE', [proposalId]);
      const reason = await within(gated.aborted);
      await blocker.query('ROLLBACK');
      expect(String(reason)).toMatch(/lost the execution lease: not renewed for 300 ms/);
    });
    expect(result).toEqual({ ok: true, state: 'FAILED' });
    expect(await q.proposal(proposal.id)).toMatchObject({
      state: 'FAILED',
      outcome: expect.stringMatching(/^cluster error \(lost the execution lease: .*\); it did not take effect; not retried \(simulated\)$/),
    });
    expect(h.sandbox.executions).toEqual({});
  });

  needsService('postgres', 'an executor whose lease another replica took over stops, records nothing, and the sweep settles it', async () => {
    const { proposal, result } = await meddleInFlight(async (intruder, proposalId, gated) => {
      // Another replica takes the lease (as its sweep would after a pause of ours), committing once we noticed.
      await intruder.query('BEGIN');
      await intruder.query(`UPDATE executions SET lease_owner = 'intruder', lease_expires_at = now() - interval '1 second' WHERE proposal_id = $1`, [
        proposalId,
      ]);
      await within(gated.aborted);
      await intruder.query('COMMIT');
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'lease_lost' } });
    expect((await q.proposal(proposal.id)).state).toBe('EXECUTING');
    expect(h.logs.map((line) => line.message)).toContain('execution lease lost before its end was recorded; the execution sweep reconciles it');
    expect(await sweepExecutions(h.deps)).toMatchObject([{ proposalId: proposal.id, found: 'not_applied', state: 'FAILED' }]);
    expect(h.sandbox.executions).toEqual({});
  });

  needsService('postgres', 'two replicas sweeping at once settle each interrupted execution exactly once (20 rounds)', async () => {
    const second = await openDatabase({ databaseUrl: h.database.url, dataDir: 'unused', poolSize: 4 });
    try {
      const reconciles = new Map<string, number>();
      const counting: ClusterPort = {
        ...h.sandbox,
        description: h.sandbox.description,
        simulated: true,
        dryRun: (action, options) => h.sandbox.dryRun(action, options),
        execute: (action, options) => h.sandbox.execute(action, options),
        workloadResources: (target, options) => h.sandbox.workloadResources(target, options),
        reconcile: (action, executionId, options) => {
          reconciles.set(executionId, (reconciles.get(executionId) ?? 0) + 1);
          return h.sandbox.reconcile(action, executionId, options);
        },
      };
      const replicaA = { ...h.deps, cluster: counting };
      const replicaB = { ...h.deps, cluster: counting, db: second.db };
      for (let round = 0; round < 20; round++) {
        const claim = await abandoned(`dead-${round}`);
        const [a, b] = await Promise.all([sweepExecutions(replicaA), sweepExecutions(replicaB)]);
        expect([...a, ...b]).toEqual([{ proposalId: claim.proposal.id, executionId: claim.lease.executionId, found: 'not_applied', state: 'FAILED' }]);
        expect(reconciles.get(claim.lease.executionId)).toBe(1);
      }
      expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
    } finally {
      await second.close();
    }
  });
});
