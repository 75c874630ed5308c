import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxCluster } from '../../../adapters/sandbox/sandbox-cluster.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { finopsCommand } from '../../../src/chat/finops-command.ts';
import { handleChatCommand } from '../../../src/chat/handle-chat-command.ts';
import { startBot, type RunningBot } from '../../../src/cli/start-bot.ts';
import { configSchema } from '../../../src/config/config-schema.ts';
import { claimWeeklyReport, lastDueTime, postWeeklyReport } from '../../../src/finops/weekly-report.ts';
import type { FinOpsCard } from '../../../src/finops/render-finops-report.ts';
import type { ChatPort } from '../../../src/ports/chat-port.ts';
import { manualClock } from '../../../src/ports/clock.ts';
import { testPeople } from '../../support/approval-harness.ts';
import { captureLog } from '../../support/capture-log.ts';
import { needsService } from '../../support/needs-service.ts';
import { recordingLogger } from '../../support/recording-logger.ts';
import { eventually, startTestBot, type TestBot } from '../../support/start-test-bot.ts';
import { createTestDatabase } from '../../support/test-database.ts';

const people = testPeople.map(({ id, name, roles, accounts }) => ({ id, name, roles: [...roles], accounts }));
const slack = (accountId: string) => ({ platform: 'slack' as const, accountId });

describe('/awoooi finops in the bot: the card, and a recommendation through the normal approval [sandbox, simulated usage]', () => {
  let test: TestBot;
  beforeAll(async () => {
    test = await startTestBot({ approvals: { people } });
  });
  afterAll(() => test?.close());

  it('answers the FinOps card through the chat command door', async () => {
    const answer = await handleChatCommand(
      {
        db: test.bot.database.db,
        graph: () => undefined as never,
        maxDepth: 3,
        buildCard: async () => null,
        log: recordingLogger(),
        finops: test.bot.finops.commands,
      },
      { platform: 'slack', workspace: 'T1', channel: 'C1', accountId: 'T1:U_ALICE', text: 'finops' },
    );
    expect(answer.text).toMatch(/^FinOps: what sandbox \(simulated\) wastes \[simulated\]\nRealizable now: \$14\.00\/month, \$168\.00\/year\nFreed capacity/);
    expect(answer.text).toMatch(/orphaned claim shop\/reports-export: \$4\.00\/month, \$48\.00\/year \(realizable\); proposes delete_pvc \(HIGH risk\)/);
  });

  it('an unknown account may look but not propose', async () => {
    expect(await finopsCommand(test.bot.finops.commands, slack('U_STRANGER'), ['propose', 'abcdef12'])).toBe(
      'Only a configured person (approvals.people) may propose; nothing was changed.',
    );
    expect(await finopsCommand(test.bot.finops.commands, slack('U_ALICE'), ['propose', 'abcdef12'])).toMatch(/^No current recommendation abcdef12/);
  });

  it('propose opens an incident and a proposal asked for by the person; two other signers approve; the claim is deleted', async () => {
    const scanned = await test.bot.finops.commands.scan();
    if (!scanned.ok) throw new Error(scanned.error.message);
    const orphan = scanned.report.recommendations.find((entry) => entry.kind === 'orphaned_claim')!;
    const answer = await finopsCommand(test.bot.finops.commands, slack('U_ALICE'), ['propose', orphan.id]);
    expect(answer).toMatch(/^Proposed delete_pvc of shop\/reports-export \(saves \$4\.00\/month\): PENDING, risk HIGH; signers: /);

    const db = test.bot.database.db;
    const proposal = await db.selectFrom('proposals').selectAll().where('action', '=', 'delete_pvc').executeTakeFirstOrThrow();
    expect(proposal).toMatchObject({
      requested_by: 'alice',
      state: 'PENDING',
      risk: 'HIGH',
      target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'reports-export' },
    });
    expect(proposal.cost).toEqual({ monthly: 4, annual: 48, currency: 'USD', saving: 'realizable' });
    const alert = await db.selectFrom('alerts').select(['name', 'severity', 'incident_id']).where('name', '=', 'FinOpsWaste').executeTakeFirstOrThrow();
    expect(alert).toMatchObject({ severity: 'info', incident_id: proposal.incident_id });

    // Four eyes: the one who asked cannot be one of the two signers.
    const alice = await handleClick(test.bot.approval, { platform: 'slack', accountId: 'U_ALICE', proposalId: proposal.id, decision: 'approve' });
    expect(alice.ok).toBe(false);
    for (const accountId of ['U_BOB', 'U_CAROL']) {
      const signed = await handleClick(test.bot.approval, { platform: 'slack', accountId, proposalId: proposal.id, decision: 'approve' });
      expect(signed.ok).toBe(true);
    }
    const cluster = test.bot.parts.cluster as SandboxCluster;
    await eventually(async () => (cluster.get('PersistentVolumeClaim', 'shop', 'reports-export') === undefined ? true : undefined));
    const after = await test.bot.finops.commands.scan();
    expect(after.ok && after.report.recommendations.some((entry) => entry.id === orphan.id)).toBe(false);
  });

  it('right-sizing where fewer replicas is not the answer proposes set_resources; one other signer; the requests change', async () => {
    const cluster = test.bot.parts.cluster as SandboxCluster;
    // One replica: the only way down is smaller requests.
    cluster.mutate('Deployment', 'shop', 'checkout', { replicas: 1 });
    const scanned = await test.bot.finops.commands.scan();
    if (!scanned.ok) throw new Error(scanned.error.message);
    const checkout = scanned.report.recommendations.find((entry) => entry.kind === 'overprovisioned_workload' && entry.target.name === 'checkout')!;
    // Simulated peak use 0.075 CPU and 0.3 GiB; × 1.2 = 90m and 0.36 GiB, rounded up to 16Mi.
    expect(checkout.planned).toEqual({
      action: 'set_resources',
      target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
      params: { container: 'checkout', requests: { cpu: '90m', memory: '384Mi' } },
    });
    expect(checkout.risk).toBe('MEDIUM');

    const answer = await finopsCommand(test.bot.finops.commands, slack('U_ALICE'), ['propose', checkout.id]);
    expect(answer).toMatch(/^Proposed set_resources of shop\/checkout \(saves \$[0-9.]+\/month\): PENDING, risk MEDIUM; signers: /);
    const db = test.bot.database.db;
    const proposal = await db.selectFrom('proposals').selectAll().where('action', '=', 'set_resources').executeTakeFirstOrThrow();
    expect(proposal).toMatchObject({ requested_by: 'alice', risk: 'MEDIUM', params: { container: 'checkout', requests: { cpu: '90m', memory: '384Mi' } } });

    expect((await handleClick(test.bot.approval, { platform: 'slack', accountId: 'U_ALICE', proposalId: proposal.id, decision: 'approve' })).ok).toBe(false);
    const bob = await handleClick(test.bot.approval, { platform: 'slack', accountId: 'U_BOB', proposalId: proposal.id, decision: 'approve' });
    expect(bob.ok).toBe(true);
    await eventually(async () => (cluster.get('Deployment', 'shop', 'checkout')?.cpuCores === 0.09 ? true : undefined));
    expect(cluster.get('Deployment', 'shop', 'checkout')).toMatchObject({ cpuCores: 0.09, memoryGiB: 0.375, replicas: 1 });
    const after = await test.bot.finops.commands.scan();
    expect(after.ok && after.report.recommendations.some((entry) => entry.id === checkout.id)).toBe(false);
  });

  it('a recommendation without a catalog action says what to do instead', async () => {
    const scanned = await test.bot.finops.commands.scan();
    if (!scanned.ok) throw new Error(scanned.error.message);
    const released = scanned.report.recommendations.find((entry) => entry.kind === 'released_volume')!;
    expect(await finopsCommand(test.bot.finops.commands, slack('U_ALICE'), ['propose', released.id])).toMatch(
      /^Recommendation [0-9a-f]{8} has no catalog action: delete the PersistentVolume/,
    );
  });
});

describe('the weekly FinOps report', () => {
  it('is due at the configured weekday and UTC hour, the latest one at or before now', () => {
    // 2026-12-02 is a Wednesday.
    expect(lastDueTime(new Date('2026-12-02T11:00:00Z'), 1, 8).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(lastDueTime(new Date('2026-12-02T11:00:00Z'), 3, 8).toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(lastDueTime(new Date('2026-12-02T07:59:00Z'), 3, 8).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(lastDueTime(new Date('2026-12-02T11:00:00Z'), 7, 23).toISOString()).toBe('2026-11-29T23:00:00.000Z');
  });

  needsService(
    'postgres',
    'two replicas on one database: the week is claimed once, one durable job runs it',
    async () => {
      const database = await createTestDatabase();
      const bots: RunningBot[] = [];
      try {
        const config = configSchema.parse({
          server: { port: 0 },
          storage: { databaseUrl: database.url },
          finops: { report: { channel: 'slack:C0FINOPS' } },
        });
        for (let replica = 0; replica < 2; replica++) {
          const started = await startBot(config, captureLog([], 'silent').log);
          if (!started.ok) throw new Error(started.errors.join('\n'));
          bots.push(started.bot);
        }
        const db = bots[0]!.database.db;
        // Both replicas looked at start; one claimed; its job ran (Slack is not configured here, which the row says).
        const row = await eventually(async () => {
          const found = await db.selectFrom('finops_reports').selectAll().execute();
          return found.length === 1 && found[0]!.outcome !== null ? found[0] : undefined;
        });
        expect(row).toMatchObject({ platform: 'slack', channel: 'C0FINOPS', outcome: 'no slack chat configured that posts reports', sent_at: null });
        // Each replica asks again: nothing more is claimed.
        for (const bot of bots) {
          const again = await claimWeeklyReport({
            db: bot.database.db,
            jobs: bot.jobs,
            clock: bot.approval.clock,
            log: recordingLogger(),
            schedule: { weekday: 1, hour: 8, platform: 'slack', channel: 'C0FINOPS' },
          });
          expect(again).toBeNull();
        }
        const jobs = await sql<{ count: number }>`SELECT count(*)::int AS count FROM pgboss.job WHERE name = 'finops-report'`.execute(db);
        expect(jobs.rows[0]?.count).toBe(1);
      } finally {
        for (const bot of bots) await bot.close().catch(() => {});
        await database.drop();
      }
    },
    60_000,
  );

  it('posts the report card to the channel once, and records it; a retryable refusal is retried, not recorded', async () => {
    const test = await startTestBot();
    try {
      const posted: { channel: string; report: FinOpsCard }[] = [];
      let refuse = true;
      const chat = {
        postReport: async (channel: { channel: string }, report: FinOpsCard) => {
          if (refuse) return { ok: false as const, error: { code: 'rate_limited' as const, message: 'slow down', retryable: true } };
          posted.push({ channel: channel.channel, report });
          return { ok: true as const, value: undefined };
        },
      } as unknown as ChatPort;
      const clock = manualClock(new Date('2026-12-02T11:00:00Z'));
      const deps = {
        db: test.bot.database.db,
        jobs: { enqueue: async () => {}, notify: () => {} },
        clock,
        log: recordingLogger(),
        schedule: { weekday: 1, hour: 8, platform: 'slack' as const, channel: 'C0FINOPS' },
      };
      expect(await claimWeeklyReport(deps)).toBe('2026-11-30');
      const post = () => postWeeklyReport({ ...deps, scan: test.bot.finops.commands.scan, chat }, '2026-11-30');
      await expect(post()).rejects.toThrow('slack: slow down');
      refuse = false;
      await post();
      await post();
      expect(posted).toHaveLength(1);
      expect(posted[0]!.channel).toBe('C0FINOPS');
      expect(posted[0]!.report.totals[0]).toBe('Realizable now: $14.00/month, $168.00/year');
      const row = await test.bot.database.db.selectFrom('finops_reports').selectAll().where('week', '=', '2026-11-30').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ outcome: 'posted', sent_at: clock.now() });
    } finally {
      await test.close();
    }
  });
});
