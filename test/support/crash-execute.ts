/**
 * Child process of the crash-recovery test: executes one approved proposal against a sandbox loaded from a
 * JSON file, and SIGKILLs itself inside `execute` — after the cluster applied the action (saving the
 * cluster's state first: the cluster survives the bot) or before it did. The hook lives in this test-only
 * ClusterPort wrapper, not in production code.
 *
 * The execution's lease lasts `leaseMilliseconds`: once it runs out the execution sweep of any live process settles it.
 *
 * `now` (optional) starts a clock standing still at that time, matching the test's manual clock (expiry is checked).
 *
 * usage: node test/support/crash-execute.ts <databaseUrl> <proposalId> <snapshotFile> <after-apply|before-apply> <peopleJson> <leaseMilliseconds> [now]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { executeProposal } from '../../src/approval/execute-proposal.ts';
import type { Person } from '../../src/domain/person.ts';
import { InProcessEventBus } from '../../src/events/in-process-event-bus.ts';
import { manualClock, systemClock } from '../../src/ports/clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { ClusterPort } from '../../src/ports/cluster-port.ts';
import { openDatabase } from '../../src/storage/open-database.ts';

const [databaseUrl, proposalId, snapshotFile, when, peopleJson, lease, now] = process.argv.slice(2);
if (!databaseUrl || !proposalId || !snapshotFile || (when !== 'after-apply' && when !== 'before-apply') || !peopleJson || !Number(lease)) {
  process.stderr.write('usage: crash-execute.ts <databaseUrl> <proposalId> <snapshotFile> <after-apply|before-apply> <peopleJson> <leaseMilliseconds>\n');
  process.exit(2);
}

function die(): Promise<never> {
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => {});
}

const sandbox = SandboxCluster.fromSnapshot(JSON.parse(readFileSync(snapshotFile, 'utf8')));
const crashing: ClusterPort = {
  description: sandbox.description,
  simulated: sandbox.simulated,
  dryRun: (action, options) => sandbox.dryRun(action, options),
  reconcile: (action, executionId, options) => sandbox.reconcile(action, executionId, options),
  workloadResources: (target, options) => sandbox.workloadResources(target, options),
  execute: async (action, options) => {
    if (when === 'before-apply') return die();
    await sandbox.execute(action, options);
    writeFileSync(snapshotFile, JSON.stringify(sandbox.snapshot()));
    return die();
  },
};

const database = await openDatabase({ databaseUrl, dataDir: 'unused', poolSize: 2 });
await executeProposal(
  {
    db: database.db,
    cluster: crashing,
    clock: now === undefined ? systemClock : manualClock(new Date(now)),
    jobs: { enqueue: async () => {} },
    events: new InProcessEventBus(),
    log: silentLogger,
    people: JSON.parse(peopleJson) as Person[],
    expiryMinutes: 30,
    leaseMilliseconds: Number(lease),
  },
  proposalId,
);
// Reaching this line means the crash hook never ran.
process.stderr.write('crash-execute: execute was never called\n');
process.exit(3);
