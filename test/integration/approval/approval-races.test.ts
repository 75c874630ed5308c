import { afterAll, beforeAll, describe, expect } from 'vitest';
import { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import type { ApprovalDependencies } from '../../../src/approval/approval-dependencies.ts';
import { claimExecution } from '../../../src/approval/claim-execution.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal, type ExecuteProposalResult } from '../../../src/approval/execute-proposal.ts';
import { finishExecution } from '../../../src/approval/finish-execution.ts';
import { handleClick, type ClickResult } from '../../../src/approval/handle-click.ts';
import { sweepExecutions } from '../../../src/approval/sweep-executions.ts';
import { verifyAuditChain } from '../../../src/audit/verify-audit-chain.ts';
import { InProcessEventBus } from '../../../src/events/in-process-event-bus.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { manualClock } from '../../../src/ports/clock.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { openDatabase, type DatabaseHandle } from '../../../src/storage/open-database.ts';
import { insertIncident, slackOf, testPeople, testStart } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { gatedCluster } from '../../support/gated-cluster.ts';
import { needsService } from '../../support/needs-service.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const rounds = 200;
/** The bare claim race is cheaper to get wrong and quicker to show it. */
const claimRounds = 100;
/**
 * Rounds run in three independent lanes (one incident and one node each: cordoning node-a changes nothing
 * node-b's dry-run sees), which keeps 200 rounds quick and adds load; each round's race is unchanged.
 */
const nodes = ['node-a', 'node-b', 'node-c'] as const;

/**
 * Replicas are separate sessions; embedded PGlite serves all connections from one session (and its socket
 * multiplexer garbles concurrent statements outside transactions), so it cannot stand in. Like the Redis tests,
 * these run wherever the real server is (CI refuses to start without it) and say so loudly where it is not.
 */

/**
 * Two independent connection pools on one database, as two replicas of the bot would have, both acting on the
 * same proposal at the same moment. The sandbox is shared: it is the one cluster both replicas talk to.
 */
describe('races between replicas (two connection pools, real PostgreSQL) [sandbox cluster, simulated]', () => {
  let database: TestDatabase;
  let second: DatabaseHandle;
  let sandbox: SandboxCluster;
  let replicaA: ApprovalDependencies;
  let replicaB: ApprovalDependencies;
  let incidents: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    second = await openDatabase({ databaseUrl: database.url, dataDir: 'unused', poolSize: 10 });
    const clock = manualClock(testStart);
    sandbox = SandboxCluster.withDemoData({ clock });
    const common = { cluster: sandbox, clock, jobs: { enqueue: async () => {} }, log: silentLogger, people: testPeople, expiryMinutes: 30 };
    replicaA = { ...common, db: database.handle.db, events: new InProcessEventBus() };
    replicaB = { ...common, db: second.db, events: new InProcessEventBus() };
    incidents = await Promise.all(nodes.map(() => insertIncident(database.handle.db)));
  });
  afterAll(async () => {
    await second?.close();
    await database?.drop();
  });

  const click = (deps: ApprovalDependencies, personId: string, proposalId: string, decision: 'approve' | 'reject') =>
    handleClick(deps, { platform: 'slack', accountId: slackOf[personId]!, proposalId, decision });

  /** Runs `round` for 0..count-1, spread over the lanes. */
  async function inLanes(round: (lane: number, index: number) => Promise<void>, count = rounds): Promise<void> {
    await Promise.all(
      nodes.map(async (_node, lane) => {
        for (let index = lane; index < count; index += nodes.length) await round(lane, index);
      }),
    );
  }

  /** A fresh HIGH proposal. Its pattern's trust is reset so that earlier successes never lower it to MEDIUM. */
  async function highProposal(lane: number): Promise<string> {
    const planned = { action: 'cordon_node', target: { kind: 'Node', name: nodes[lane]! }, params: {} };
    await database.handle.db.deleteFrom('trust_scores').where('pattern', '=', `cordon_node:${nodes[lane]}*`).execute();
    const created = await createProposal(replicaA, { incidentId: incidents[lane]!, planned, reason: 'race', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.proposal.risk).toBe('HIGH');
    return created.proposal.id;
  }

  const executionsOf = (proposalId: string) => database.handle.db.selectFrom('executions').selectAll().where('proposal_id', '=', proposalId).execute();

  needsService(
    'postgres',
    `sign-and-execute from both replicas at once executes exactly once (${rounds} rounds)`,
    async () => {
      await inLanes(async (lane, index) => {
        const proposalId = await highProposal(lane);
        let executes: ExecuteProposalResult[];
        let clicks: ClickResult[];
        if (index % 2 === 0) {
          // Both sign at once; then both execute at once.
          clicks = await Promise.all([click(replicaA, 'alice', proposalId, 'approve'), click(replicaB, 'bob', proposalId, 'approve')]);
          executes = await Promise.all([executeProposal(replicaA, proposalId), executeProposal(replicaB, proposalId)]);
        } else {
          // Each replica executes as soon as its own click returns, overlapping the other's click.
          const sides = await Promise.all(
            (
              [
                [replicaA, 'alice'],
                [replicaB, 'bob'],
              ] as const
            ).map(async ([deps, person]) => {
              const clicked = await click(deps, person, proposalId, 'approve');
              return { clicked, executed: await executeProposal(deps, proposalId) };
            }),
          );
          clicks = sides.map((side) => side.clicked);
          executes = sides.map((side) => side.executed);
        }
        // The queued job, which always exists once approved, runs last (a no-op if a replica got there first).
        executes.push(await executeProposal(replicaB, proposalId));

        expect(clicks.every((result) => result.ok)).toBe(true);
        expect(clicks.filter((result) => result.ok && result.state === 'APPROVED')).toHaveLength(1);
        expect(executes.filter((result) => result.ok)).toEqual([{ ok: true, state: 'SUCCEEDED' }]);
        const rows = await executionsOf(proposalId);
        expect(rows).toHaveLength(1);
        expect(rows[0]!.status).toBe('succeeded');
        expect(sandbox.executions[rows[0]!.id]).toBe(1);
        expect((await approvalQueries(database.handle.db).proposal(proposalId)).state).toBe('SUCCEEDED');
      });
    },
    180_000,
  );

  /**
   * The claim alone, bare from both pools (no executeProposal around it): the proposal's row lock and the guarded
   * APPROVED → EXECUTING update must let exactly one through, and only that one writes an executions row.
   */
  needsService(
    'postgres',
    `the claim guard alone lets exactly one of two replicas claim (${claimRounds} rounds)`,
    async () => {
      await inLanes(async (lane) => {
        const proposalId = await highProposal(lane);
        await click(replicaA, 'alice', proposalId, 'approve');
        await click(replicaB, 'bob', proposalId, 'approve');
        const claims = await Promise.all(
          [replicaA, replicaB].map((deps, index) =>
            deps.db.transaction().execute((trx) => claimExecution(trx, deps, proposalId, { owner: `replica-${index}`, milliseconds: 15_000 })),
          ),
        );
        expect(claims.map((claim) => claim.kind).sort()).toEqual(['claimed', 'not_approved']);
        expect(await executionsOf(proposalId)).toHaveLength(1);
        // Settle it so that the lane's next proposal is not refused as execution_in_progress.
        const claimed = claims.find((claim) => claim.kind === 'claimed');
        if (claimed?.kind !== 'claimed') throw new Error('no claim');
        await database.handle.db.transaction().execute((trx) =>
          finishExecution(
            trx,
            replicaA.clock,
            claimed.proposal,
            claimed.lease,
            {
              state: 'FAILED',
              outcome: 'not run: claim race test',
              earnsTrust: false,
              audit: { kind: 'execution_failed', details: {} },
            },
            { simulated: true },
          ),
        );
      }, claimRounds);
    },
    180_000,
  );

  needsService(
    'postgres',
    'the execution sweep of another replica leaves alone an execution in flight (its lease is renewed)',
    async () => {
      const lease = 300;
      const gated = gatedCluster(sandbox);
      const executing = { ...replicaA, cluster: gated.cluster, leaseMilliseconds: lease };
      const proposalId = await highProposal(0);
      await click(replicaA, 'alice', proposalId, 'approve');
      await click(replicaA, 'bob', proposalId, 'approve');
      const running = executeProposal(executing, proposalId);
      await gated.reached;
      // Both replicas sweep, again and again, for three leases: a lease that were not renewed would be taken over.
      for (let round = 0; round < 6; round++) {
        await sleep(lease / 2);
        expect(await Promise.all([sweepExecutions({ ...replicaB, leaseMilliseconds: lease }), sweepExecutions(replicaA)])).toEqual([[], []]);
      }
      expect((await approvalQueries(database.handle.db).proposal(proposalId)).state).toBe('EXECUTING');
      gated.release();
      expect(await running).toEqual({ ok: true, state: 'SUCCEEDED' });
    },
    180_000,
  );

  /**
   * The rule: a reject beats a concurrent approve unless execution has already claimed the proposal
   * (APPROVED → EXECUTING committed). Exactly one of two things happens each round:
   *  - the reject committed first (before or after the approval that met quorum): REJECTED, nothing executed;
   *  - the claim committed first: the reject is refused with proposal_closed and the execution completes.
   * Never both: no execution after a committed reject, no REJECTED proposal with an execution.
   */
  needsService(
    'postgres',
    `approve-and-execute racing a reject: the reject wins unless execution already started (${rounds} rounds)`,
    async () => {
      const seen = { rejectedBeforeExecution: 0, executedBeforeReject: 0 };
      await inLanes(async (lane, index) => {
        const proposalId = await highProposal(lane);
        expect(await click(replicaA, 'alice', proposalId, 'approve')).toMatchObject({ ok: true, state: 'PENDING' });
        // Even rounds: the reject races the approving click. Odd rounds: it starts when that click returns, racing
        // the executor's claim instead.
        let approvalReturned: () => void = () => {};
        const approvalDone = new Promise<void>((resolve) => (approvalReturned = resolve));
        const [approver, rejected] = await Promise.all([
          (async () => {
            const clicked = await click(replicaA, 'bob', proposalId, 'approve');
            approvalReturned();
            return { clicked, executed: await executeProposal(replicaA, proposalId) };
          })(),
          (async () => {
            if (index % 2 === 1) await approvalDone;
            return click(replicaB, 'carol', proposalId, 'reject');
          })(),
        ]);
        const job = await executeProposal(replicaB, proposalId);
        const queries = approvalQueries(database.handle.db);
        const proposal = await queries.proposal(proposalId);
        const rows = await executionsOf(proposalId);
        const kinds = await queries.auditKinds(proposalId);

        if (rejected.ok) {
          seen.rejectedBeforeExecution += 1;
          expect(rejected.state).toBe('REJECTED');
          expect(proposal.state).toBe('REJECTED');
          expect(rows).toEqual([]);
          expect(approver.executed.ok).toBe(false);
          expect(job.ok).toBe(false);
          expect(kinds).not.toContain('execution_started');
          // Either the approve came too late (closed), or it met quorum and the reject overruled it.
          if (!approver.clicked.ok) expect(approver.clicked.error.code).toBe('proposal_closed');
        } else {
          seen.executedBeforeReject += 1;
          expect(rejected.error.code).toBe('proposal_closed');
          expect(proposal.state).toBe('SUCCEEDED');
          expect(rows).toHaveLength(1);
          expect(sandbox.executions[rows[0]!.id]).toBe(1);
          expect([approver.executed, job].filter((result) => result.ok)).toEqual([{ ok: true, state: 'SUCCEEDED' }]);
          expect(kinds).not.toContain('rejection');
        }
      });
      expect(seen.rejectedBeforeExecution + seen.executedBeforeReject).toBe(rounds);
      console.info(`[approval races] reject vs approve over ${rounds} rounds:`, seen);
      expect(await verifyAuditChain(database.handle.db)).toMatchObject({ ok: true });
    },
    180_000,
  );
});
