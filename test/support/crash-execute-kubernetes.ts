/**
 * Child process of the Kubernetes crash test: executes one approved proposal against the test's fake API server
 * (through a kubeconfig) and SIGKILLs itself inside `execute` — after the write reached the API server, or before.
 * The API server lives in the parent and survives, as a cluster survives the bot.
 *
 * usage: node test/support/crash-execute-kubernetes.ts <databaseUrl> <proposalId> <kubeconfig> <after-apply|before-apply> <peopleJson> <leaseMilliseconds> <now>
 */
import { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';
import { executeProposal } from '../../src/approval/execute-proposal.ts';
import type { Person } from '../../src/domain/person.ts';
import { InProcessEventBus } from '../../src/events/in-process-event-bus.ts';
import { manualClock } from '../../src/ports/clock.ts';
import type { ClusterPort } from '../../src/ports/cluster-port.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { openDatabase } from '../../src/storage/open-database.ts';

const [databaseUrl, proposalId, kubeconfig, when, peopleJson, lease, now] = process.argv.slice(2);
if (!databaseUrl || !proposalId || !kubeconfig || (when !== 'after-apply' && when !== 'before-apply') || !peopleJson || !Number(lease) || !now) {
  process.stderr.write(
    'usage: crash-execute-kubernetes.ts <databaseUrl> <proposalId> <kubeconfig> <after-apply|before-apply> <peopleJson> <leaseMilliseconds> <now>\n',
  );
  process.exit(2);
}

function die(): Promise<never> {
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => {});
}

const kubernetes = new KubernetesCluster({ kubeconfig });
const crashing: ClusterPort = {
  description: kubernetes.description,
  simulated: false,
  dryRun: (action, options) => kubernetes.dryRun(action, options),
  reconcile: (action, executionId, options) => kubernetes.reconcile(action, executionId, options),
  workloadResources: (target, options) => kubernetes.workloadResources(target, options),
  execute: async (action, options) => {
    if (when === 'after-apply') await kubernetes.execute(action, options);
    return die();
  },
};

const database = await openDatabase({ databaseUrl, dataDir: 'unused', poolSize: 2 });
const result = await executeProposal(
  {
    db: database.db,
    cluster: crashing,
    clock: manualClock(new Date(now)),
    jobs: { enqueue: async () => {} },
    events: new InProcessEventBus(),
    log: silentLogger,
    people: JSON.parse(peopleJson) as Person[],
    expiryMinutes: 30,
    leaseMilliseconds: Number(lease),
  },
  proposalId,
);
process.stderr.write(`crash-execute-kubernetes: execute was never called (${JSON.stringify(result)})\n`);
process.exit(3);
