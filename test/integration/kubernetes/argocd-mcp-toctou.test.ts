import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { McpCluster } from '../../../adapters/mcp/mcp-cluster.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import type { ClusterPort, PlannedAction } from '../../../src/ports/cluster-port.ts';
import { kubeWorld } from '../../adapters/kubernetes/kube-world.ts';
import { createApprovalHarness, type ApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { FakeArgoCd, fakeArgoToken } from '../../support/fake-argocd-server.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';

const serverScript = fileURLToPath(new URL('../../support/recording-mcp-server.ts', import.meta.url));
const scaleApi: PlannedAction = { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: { replicas: 5 } };
const rollbackCheckout: PlannedAction = { action: 'rollback_deployment', target: { kind: 'Deployment', namespace: 'shop', name: 'checkout' }, params: {} };
const history = [
  { id: 3, revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
  { id: 4, revision: 'f00dfeedbeefcafe0123456789abcdef01234567' },
];

/** A proposal signed by alice (MEDIUM: one sre). */
async function signed(h: ApprovalHarness, planned: PlannedAction) {
  const created = await createProposal(h.deps, { incidentId: h.incidentId, planned, reason: 'the signed plan', requestedBy: null });
  if (!created.ok) throw new Error(created.error.message);
  expect(await handleClick(h.deps, h.click('alice', created.proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
  return created.proposal;
}

describe('the TOCTOU guard holds for MCP tool calls and Argo CD rollbacks as for direct writes (real PostgreSQL, fake API server, simulated)', () => {
  let kube: FakeKubeApiserver;
  let h: ApprovalHarness | undefined;
  beforeEach(async () => {
    kube = await FakeKubeApiserver.start(kubeWorld());
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await kube.close();
  });

  describe('MCP (the project’s recording MCP server over stdio)', () => {
    let directory: string;
    let recordFile: string;
    let mcp: McpCluster;
    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'awoooi-toctou-'));
      recordFile = join(directory, 'calls.jsonl');
    });
    afterEach(async () => {
      await mcp.close();
      rmSync(directory, { recursive: true, force: true });
    });
    const calls = () => (existsSync(recordFile) ? readFileSync(recordFile, 'utf8').trim().split('\n').filter(Boolean) : []);
    function mcpOver(base: ClusterPort): McpCluster {
      mcp = new McpCluster(base, {
        servers: { recorder: { command: process.execPath, args: [serverScript], env: { RECORD_FILE: recordFile } } },
        actions: {
          scale_deployment: {
            server: 'recorder',
            tool: 'resources_scale',
            arguments: { namespace: '{target.namespace}', name: '{target.name}', scale: '{params.replicas}' },
          },
        },
      });
      return mcp;
    }

    it('a spec change between signing and execution voids the approval; the tool is never called', async () => {
      h = await createApprovalHarness({ cluster: mcpOver(new KubernetesCluster({ kubeconfig: kube.kubeconfigPath })) });
      const proposal = await signed(h, scaleApi);
      kube.updateSpec('Deployment', 'payments', 'api', (spec) => {
        spec.replicas = 7;
      });
      expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
      expect((await approvalQueries(h.db).proposal(proposal.id)).void_reason).toMatch(/^state changed since signing \(.*replicas/);
      expect(calls()).toEqual([]);
    });

    it('a change after the final dry-run, right before the call: the adapter reads the fingerprint again, voids, and never calls', async () => {
      const kubernetes = new KubernetesCluster({ kubeconfig: kube.kubeconfigPath });
      let dryRuns = 0;
      // The cluster API under MCP: its second dry-run is the core's final one; right after it, someone scales by hand.
      const base: ClusterPort = {
        description: kubernetes.description,
        simulated: false,
        dryRun: async (action, options) => {
          const result = await kubernetes.dryRun(action, options);
          dryRuns += 1;
          if (dryRuns === 2)
            kube.updateSpec('Deployment', 'payments', 'api', (spec) => {
              spec.replicas = 9;
            });
          return result;
        },
        execute: (action, options) => kubernetes.execute(action, options),
        reconcile: (action, id, options) => kubernetes.reconcile(action, id, options),
        workloadResources: (target, options) => kubernetes.workloadResources(target, options),
      };
      h = await createApprovalHarness({ cluster: mcpOver(base) });
      const proposal = await signed(h, scaleApi);
      expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
      expect((await approvalQueries(h.db).proposal(proposal.id)).void_reason).toBe(
        'state changed at execution: Deployment api changed since the dry-run; not called',
      );
      expect(dryRuns).toBeGreaterThanOrEqual(3);
      expect(calls()).toEqual([]);
      expect(kube.writes().filter((write) => write.query['dryRun'] === undefined)).toEqual([]);
    });
  });

  describe('Argo CD (fake Argo CD API)', () => {
    let argo: FakeArgoCd;
    beforeEach(async () => {
      argo = await FakeArgoCd.start('shop-checkout', structuredClone(history));
      h = await createApprovalHarness({
        cluster: new KubernetesCluster({ kubeconfig: kube.kubeconfigPath, argocd: { url: argo.url, token: fakeArgoToken } }),
      });
    });
    afterEach(() => argo.close());
    const realRollbacks = () => argo.requests.filter((request) => request.method === 'POST' && request.body?.dryRun === false);

    it('the application synced to another revision between signing and execution: VOIDED, never rolled back', async () => {
      const proposal = await signed(h!, rollbackCheckout);
      argo.application.status.sync.revision = 'c0ffee0000000000000000000000000000000000';
      expect(await executeProposal(h!.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
      expect((await approvalQueries(h!.db).proposal(proposal.id)).void_reason).toMatch(/^state changed since signing \(.*argocdCurrent/);
      expect(realRollbacks()).toEqual([]);
    });

    it('the application changes after the deployment’s guarded stamp, right before the rollback call: VOIDED, never rolled back', async () => {
      const proposal = await signed(h!, rollbackCheckout);
      kube.beforeNext('PATCH', /deployments\/checkout$/, () => undefined); // the final dry-run's own dryRun=All patch
      kube.beforeNext('PATCH', /deployments\/checkout$/, () => {
        argo.application.status.sync.revision = 'c0ffee0000000000000000000000000000000000';
      });
      expect(await executeProposal(h!.deps, proposal.id)).toEqual({ ok: true, state: 'VOIDED' });
      expect((await approvalQueries(h!.db).proposal(proposal.id)).void_reason).toBe(
        'state changed at execution: Argo CD application shop-checkout changed since the dry-run (synced revision); not rolled back',
      );
      expect(realRollbacks()).toEqual([]);
    });
  });
});
