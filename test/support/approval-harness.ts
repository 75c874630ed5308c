import type { Kysely } from 'kysely';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import type { ApprovalDependencies } from '../../src/approval/approval-dependencies.ts';
import type { Click } from '../../src/approval/handle-click.ts';
import type { Person } from '../../src/domain/person.ts';
import { InProcessEventBus } from '../../src/events/in-process-event-bus.ts';
import type { JobName, JobTypes } from '../../src/jobs/job-queue.ts';
import { manualClock } from '../../src/ports/clock.ts';
import type { PlannedAction } from '../../src/ports/cluster-port.ts';
import type { BotEvent } from '../../src/ports/event-bus.ts';
import type { DatabaseSchema } from '../../src/storage/database-schema.ts';
import { recordingLogger, type LogLine } from './recording-logger.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** People of the approval tests: one person, several accounts; every role of the risk matrix. */
export const testPeople: Person[] = [
  { id: 'alice', name: 'Alice', roles: ['sre'], accounts: { slack: 'U_ALICE', telegram: '1001', web: 'alice' } },
  { id: 'bob', name: 'Bob', roles: ['devops'], accounts: { slack: 'U_BOB', discord: '2002' } },
  { id: 'carol', name: 'Carol', roles: ['sre'], accounts: { slack: 'U_CAROL' } },
  { id: 'cto', name: 'Chief Tech', roles: ['cto'], accounts: { slack: 'U_CTO' } },
  { id: 'ciso', name: 'Chief Sec', roles: ['ciso'], accounts: { slack: 'U_CISO' } },
  { id: 'both', name: 'Two Hats', roles: ['cto', 'ciso'], accounts: { slack: 'U_BOTH', telegram: '3003' } },
  { id: 'vic', name: 'Viewer', roles: ['viewer'], accounts: { slack: 'U_VIC' } },
];

/** Where each test person clicks by default. */
export const slackOf: Record<string, string> = Object.fromEntries(testPeople.map((person) => [person.id, person.accounts.slack ?? '']));

export const actions = {
  restartCheckout: { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: {} },
  cordonNodeA: { action: 'cordon_node', target: { kind: 'Node', name: 'node-a' }, params: {} },
  deletePreviewNamespace: { action: 'delete_namespace', target: { kind: 'Namespace', name: 'preview-pr-142' }, params: {} },
} satisfies Record<string, PlannedAction>;

export interface RecordedJob {
  name: JobName;
  data: JobTypes[JobName];
}

export interface ApprovalHarness {
  database: TestDatabase;
  db: Kysely<DatabaseSchema>;
  sandbox: SandboxCluster;
  clock: ReturnType<typeof manualClock>;
  deps: ApprovalDependencies;
  /** Jobs enqueued so far (the tests run executeProposal themselves instead of a queue worker). */
  jobs: RecordedJob[];
  events: BotEvent[];
  /** What the use cases logged through `deps.log`. */
  logs: LogLine[];
  incidentId: string;
  click(personId: string, proposalId: string, decision: Click['decision'], platform?: Click['platform'], accountId?: string): Click;
  close(): Promise<void>;
}

export const testStart = new Date('2026-03-01T03:00:00Z');

/** An open incident on checkout, opened `at`; `fields` change what a test needs (title, severity, services, cluster). */
export async function insertIncident(
  db: Kysely<DatabaseSchema>,
  at: Date = testStart,
  fields: { title?: string; severity?: string; services?: string[]; cluster?: string } = {},
): Promise<string> {
  const row = await db
    .insertInto('incidents')
    .values({
      title: 'KubePodCrashLooping on checkout',
      severity: 'critical',
      status: 'open',
      group_key: null,
      services: ['checkout'],
      opened_at: at,
      last_alert_at: at,
      resolved_at: null,
      analysis: null,
      ...fields,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A throwaway database, the demo sandbox, a manual clock and an incident to hang proposals on. */
export async function createApprovalHarness(overrides: Partial<ApprovalDependencies> = {}): Promise<ApprovalHarness> {
  const database = await createTestDatabase();
  const db = database.handle.db;
  const clock = manualClock(testStart);
  const sandbox = SandboxCluster.withDemoData({ clock });
  const jobs: RecordedJob[] = [];
  const events: BotEvent[] = [];
  const bus = new InProcessEventBus();
  bus.subscribe((event) => events.push(event));
  const log = recordingLogger();
  const deps: ApprovalDependencies = {
    db,
    cluster: sandbox,
    clock,
    jobs: { enqueue: async (_executor, name, data) => void jobs.push({ name, data }) },
    events: bus,
    log,
    people: testPeople,
    expiryMinutes: 30,
    ...overrides,
  };
  return {
    database,
    db,
    sandbox,
    clock,
    deps,
    jobs,
    events,
    logs: log.lines,
    incidentId: await insertIncident(db),
    click: (personId, proposalId, decision, platform = 'slack', accountId = slackOf[personId] ?? personId) => ({ platform, accountId, proposalId, decision }),
    close: async () => {
      await bus.close();
      await database.drop();
    },
  };
}
