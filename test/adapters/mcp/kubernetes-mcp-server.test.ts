import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { McpCluster } from '../../../adapters/mcp/mcp-cluster.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';
import { createApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { kubernetesMcpServerBinary } from '../../support/kubernetes-mcp-server-binary.ts';
import { kubeWorld } from '../kubernetes/kube-world.ts';

/** The published server's binary, fetched from the npm registry on first use. */
const kubernetesMcpServer = kubernetesMcpServerBinary();
const scaleApi: PlannedAction = { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: { replicas: 5 } };
const evictApiPod: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'payments', name: 'api-7d9f4b6c8-x2k4q' }, params: {} };
/** The mapping README.md ships for kubernetes-mcp-server. */
const actions = {
  scale_deployment: {
    server: 'k8s',
    tool: 'resources_scale',
    arguments: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: '{target.namespace}', name: '{target.name}', scale: '{params.replicas}' },
  },
  evict_pod: { server: 'k8s', tool: 'pods_delete', arguments: { namespace: '{target.namespace}', name: '{target.name}' } },
};

describe('the real kubernetes-mcp-server over stdio runs catalog actions (fake API server, simulated)', () => {
  let kube: FakeKubeApiserver;
  let cluster: McpCluster;

  beforeEach(async () => {
    // kubernetes-mcp-server sends no bearer token over plain HTTP: the fake accepts anonymous requests here.
    kube = await FakeKubeApiserver.start(kubeWorld(), { anonymous: true });
    const base = new KubernetesCluster({ kubeconfig: kube.kubeconfigPath });
    cluster = new McpCluster(base, { servers: { k8s: { command: kubernetesMcpServer, args: ['--kubeconfig', kube.kubeconfigPath] } }, actions });
  });
  afterEach(async () => {
    await cluster.close();
    await kube.close();
  });

  it('resources_scale through the scale subresource; reconcile by effect says applied', async () => {
    const signal = AbortSignal.timeout(30_000);
    const dryRun = await cluster.dryRun(scaleApi, { signal });
    const executed = await cluster.execute(scaleApi, { expectedFingerprint: dryRun.fingerprint, executionId: 'exec-1', signal });
    expect(executed).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^scale deployment payments\/api to 5 replicas via MCP k8s\/resources_scale: .*kind: Scale/s),
    });
    expect(kube.get('Deployment', 'payments', 'api')!.spec.replicas).toBe(5);
    expect(kube.writes().filter((write) => write.query['dryRun'] === undefined)).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: '/apis/apps/v1/namespaces/payments/deployments/api/scale',
        body: expect.objectContaining({ spec: { replicas: 5 } }),
      }),
    ]);
    expect(await cluster.reconcile(scaleApi, 'exec-1', { signal })).toBe('applied');
  });

  it('through the approval flow: signed, dry-run on the API, executed by pods_delete (real PostgreSQL)', async () => {
    const h = await createApprovalHarness({ cluster });
    try {
      const created = await createProposal(h.deps, { incidentId: h.incidentId, planned: evictApiPod, reason: 'stuck pod', requestedBy: null });
      if (!created.ok) throw new Error(created.error.message);
      expect(await handleClick(h.deps, h.click('alice', created.proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
      expect(await executeProposal(h.deps, created.proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
      expect((await approvalQueries(h.db).proposal(created.proposal.id)).outcome).toMatch(/via MCP k8s\/pods_delete: Pod deleted successfully$/);
      expect(kube.get('Pod', 'payments', 'api-7d9f4b6c8-x2k4q')).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
