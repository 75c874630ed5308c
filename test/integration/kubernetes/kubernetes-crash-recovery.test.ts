import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import type { ApprovalDependencies } from '../../../src/approval/approval-dependencies.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { sweepExecutions } from '../../../src/approval/sweep-executions.ts';
import { verifyAuditChain } from '../../../src/audit/verify-audit-chain.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';
import { kubeWorld } from '../../adapters/kubernetes/kube-world.ts';
import { createApprovalHarness, testPeople, type ApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { eventually } from '../../support/start-test-bot.ts';

const childScript = fileURLToPath(new URL('../../support/crash-execute-kubernetes.ts', import.meta.url));
// Long enough for the dry-run's requests to the API server on a loaded machine, short enough for the sweep to take over soon.
const childLease = 2_000;
const restartApi: PlannedAction = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} };

describe('the bot dies mid-execution on Kubernetes: the sweep asks the API server, never writes again (fake API server, simulated)', () => {
  let server: FakeKubeApiserver;
  let h: ApprovalHarness;
  let q: ReturnType<typeof approvalQueries>;

  beforeEach(async () => {
    server = await FakeKubeApiserver.start(kubeWorld());
    h = await createApprovalHarness({ cluster: new KubernetesCluster({ kubeconfig: server.kubeconfigPath }) });
    q = approvalQueries(h.db);
  });
  afterEach(async () => {
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
    await h.close();
    await server.close();
  });

  const realWrites = () => server.writes().filter((write) => write.query['dryRun'] === undefined);

  async function crash(when: 'after-apply' | 'before-apply', planned = restartApi) {
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned, reason: 'crash test', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    const proposalId = created.proposal.id;
    expect(await handleClick(h.deps, h.click('alice', proposalId, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    const args = [
      childScript,
      h.database.url,
      proposalId,
      server.kubeconfigPath,
      when,
      JSON.stringify(testPeople),
      String(childLease),
      h.clock.now().toISOString(),
    ];
    const child = await new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      const process_ = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      process_.on('error', reject);
      process_.on('close', (_code, signal) => resolve({ signal, stderr }));
    });
    expect(child).toEqual({ signal: 'SIGKILL', stderr: '' });
    const [execution] = await q.executions(proposalId);
    const deps: ApprovalDependencies = { ...h.deps, leaseMilliseconds: childLease };
    const settled = await eventually(async () => {
      const found = await sweepExecutions(deps);
      return found.length > 0 ? found : undefined;
    });
    return { proposalId, executionId: execution!.id, settled, deps };
  }

  it('killed after the patch reached the API server: reconciled as applied from the execution annotation; nothing written again', async () => {
    const { proposalId, executionId, settled, deps } = await crash('after-apply');
    expect(settled).toEqual([{ proposalId, executionId, found: 'applied', state: 'SUCCEEDED' }]);
    expect(server.get('Deployment', 'payments', 'api')!.metadata['annotations']).toMatchObject({ 'awoooi.io/execution-id': executionId });
    expect(await executeProposal(deps, proposalId)).toMatchObject({ ok: false, error: { code: 'not_approved' } });
    expect(await sweepExecutions(deps)).toEqual([]);
    expect(realWrites()).toHaveLength(1);
  });

  it('set_resources killed after its patch: applied from the annotation, the new requests in place, written once', async () => {
    const planned: PlannedAction = { ...restartApi, action: 'set_resources', params: { container: 'api', requests: { cpu: '100m' } } };
    const { proposalId, executionId, settled } = await crash('after-apply', planned);
    expect(settled).toEqual([{ proposalId, executionId, found: 'applied', state: 'SUCCEEDED' }]);
    expect(server.get('Deployment', 'payments', 'api')!.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: '100m', memory: '512Mi' });
    expect(realWrites()).toHaveLength(1);
  });

  it('killed before the write: reconciled as not applied, FAILED, never written', async () => {
    const { proposalId, executionId, settled } = await crash('before-apply');
    expect(settled).toEqual([{ proposalId, executionId, found: 'not_applied', state: 'FAILED' }]);
    expect(realWrites()).toEqual([]);
    expect(server.get('Deployment', 'payments', 'api')!.metadata.generation).toBe(1);
  });
});
