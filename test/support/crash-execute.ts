/**
 * Child process of the crash-recovery test: executes one approved proposal against a sandbox loaded from a
 * JSON file, and SIGKILLs itself inside `execute` — after the cluster applied the action (saving the
 * cluster's state first: the cluster survives the bot) or before it did. The hook lives in this test-only
 * ClusterPort wrapper, not in production code.
 *
 * usage: node test/support/crash-execute.ts <databaseUrl> <proposalId> <snapshotFile> <after-apply|before-apply> <peopleJson>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { executeProposal } from '../../src/approval/execute-proposal.ts';
import type { Person } from '../../src/domain/person.ts';
import { InProcessEventBus } from '../../src/events/in-process-event-bus.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { ClusterPort } from '../../src/ports/cluster-port.ts';
import { openDatabase } from '../../src/storage/open-database.ts';

const [databaseUrl, proposalId, snapshotFile, when, peopleJson] = process.argv.slice(2);
if (!databaseUrl || !proposalId || !snapshotFile || (when !== 'after-apply' && when !== 'before-apply') || !peopleJson) {
  process.stderr.write('usage: crash-execute.ts <databaseUrl> <proposalId> <snapshotFile> <after-apply|before-apply> <peopleJson>\n');
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
  dryRun: (action) => sandbox.dryRun(action),
  reconcile: (action, executionId) => sandbox.reconcile(action, executionId),
  workloadResources: (target) => sandbox.workloadResources(target),
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
    clock: systemClock,
    jobs: { enqueue: async () => {} },
    events: new InProcessEventBus(),
    people: JSON.parse(peopleJson) as Person[],
    expiryMinutes: 30,
  },
  proposalId,
);
// Reaching this line means the crash hook never ran.
process.stderr.write('crash-execute: execute was never called\n');
process.exit(3);
