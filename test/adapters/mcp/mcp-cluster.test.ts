import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { type McpActionMapping, McpCluster } from '../../../adapters/mcp/mcp-cluster.ts';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import type { ActionName, PlannedAction } from '../../../src/ports/cluster-port.ts';
import { createApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { kubeWorld } from '../kubernetes/kube-world.ts';

const serverScript = fileURLToPath(new URL('../../support/recording-mcp-server.ts', import.meta.url));
const signal = () => AbortSignal.timeout(15_000);
const scaleApi: PlannedAction = { action: 'scale_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: { replicas: 5 } };
const evictApiPod: PlannedAction = { action: 'evict_pod', target: { kind: 'Pod', namespace: 'payments', name: 'api-7d9f4b6c8-x2k4q' }, params: {} };
const scaleMapping: McpActionMapping = {
  server: 'recorder',
  tool: 'resources_scale',
  arguments: { namespace: '{target.namespace}', name: '{target.name}', scale: '{params.replicas}' },
};

describe('catalog actions as MCP tool calls (the project’s recording MCP server over stdio, fake API server, simulated)', () => {
  let kube: FakeKubeApiserver;
  let directory: string;
  let recordFile: string;
  const open: McpCluster[] = [];

  beforeEach(async () => {
    kube = await FakeKubeApiserver.start(kubeWorld());
    directory = mkdtempSync(join(tmpdir(), 'awoooi-mcp-'));
    recordFile = join(directory, 'calls.jsonl');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((cluster) => cluster.close()));
    await kube.close();
    rmSync(directory, { recursive: true, force: true });
  });

  function mcpCluster(actions: Partial<Record<ActionName, McpActionMapping>>, which?: { name: string; context?: string }): McpCluster {
    const base = new KubernetesCluster({ kubeconfig: kube.kubeconfigPath });
    const cluster = new McpCluster(base, {
      servers: { recorder: { command: process.execPath, args: [serverScript], env: { RECORD_FILE: recordFile } } },
      actions,
      cluster: which,
    });
    open.push(cluster);
    return cluster;
  }
  const calls = () =>
    existsSync(recordFile)
      ? readFileSync(recordFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
  const realKubeWrites = () => kube.writes().filter((write) => write.query['dryRun'] === undefined);

  async function run(cluster: McpCluster, planned: PlannedAction) {
    const dryRun = await cluster.dryRun(planned, { signal: signal() });
    expect(dryRun.ok).toBe(true);
    return cluster.execute(planned, { expectedFingerprint: dryRun.fingerprint, executionId: 'exec-mcp', signal: signal() });
  }

  it('a mapped action is one tool call with arguments from the plan (a number stays a number); the cluster API only dry-runs', async () => {
    const cluster = mcpCluster({ scale_deployment: scaleMapping });
    expect(cluster.description).toMatch(/; MCP: scale_deployment → recorder\/resources_scale$/);
    const executed = await run(cluster, scaleApi);
    expect(executed).toMatchObject({
      ok: true,
      message: 'scale deployment payments/api to 5 replicas via MCP recorder/resources_scale: scaled payments/api to 5',
    });
    expect(calls()).toEqual([{ tool: 'resources_scale', arguments: { namespace: 'payments', name: 'api', scale: 5 } }]);
    expect(realKubeWrites()).toEqual([]);
  });

  it('one of several clusters passes its kubeconfig context to a server that serves several ({cluster.context})', async () => {
    const cluster = mcpCluster(
      { scale_deployment: { ...scaleMapping, arguments: { ...scaleMapping.arguments, context: '{cluster.context}' } } },
      { name: 'staging', context: 'staging-admin' },
    );
    expect(await run(cluster, scaleApi)).toMatchObject({ ok: true });
    expect(calls()).toEqual([{ tool: 'resources_scale', arguments: { namespace: 'payments', name: 'api', scale: 5, context: 'staging-admin' } }]);
  });

  it('arguments that do not match the tool’s input schema are refused before any call', async () => {
    const cluster = mcpCluster({ scale_deployment: { ...scaleMapping, arguments: { ...scaleMapping.arguments, scale: '{params.replicas} pods' } } });
    const executed = await run(cluster, scaleApi);
    expect(executed).toMatchObject({
      ok: false,
      error: {
        code: 'invalid',
        message: expect.stringMatching(/^arguments for recorder\/resources_scale do not match its input schema: .*scale.*; not called$/),
      },
    });
    expect(calls()).toEqual([]);
  });

  it('only the mapped tool is ever called; a mapping to a tool the server does not offer is refused', async () => {
    const cluster = mcpCluster({
      evict_pod: { server: 'recorder', tool: 'pods_evict', arguments: { namespace: '{target.namespace}', name: '{target.name}' } },
    });
    expect(await run(cluster, evictApiPod)).toMatchObject({ ok: false, error: { code: 'invalid', message: 'MCP server recorder offers no tool pods_evict' } });
    expect(calls()).toEqual([]);
  });

  it('a tool error is the execution’s failure, in the tool’s words', async () => {
    const cluster = mcpCluster({
      scale_deployment: { ...scaleMapping, tool: 'always_fails', arguments: { namespace: '{target.namespace}', name: '{target.name}' } },
    });
    expect(await run(cluster, scaleApi)).toMatchObject({
      ok: false,
      error: {
        code: 'failed',
        message: 'MCP tool recorder/always_fails failed: deployments.apps "api" is forbidden: User "mcp" cannot patch resource "deployments"',
      },
    });
  });

  it('a state changed since signing is refused before the call (the fingerprint still comes from the cluster API)', async () => {
    const cluster = mcpCluster({ scale_deployment: scaleMapping });
    const dryRun = await cluster.dryRun(scaleApi, { signal: signal() });
    kube.updateSpec('Deployment', 'payments', 'api', (spec) => {
      spec.replicas = 7;
    });
    const executed = await cluster.execute(scaleApi, { expectedFingerprint: dryRun.fingerprint, executionId: 'exec-1', signal: signal() });
    expect(executed).toMatchObject({ ok: false, error: { code: 'state_changed' } });
    expect(calls()).toEqual([]);
  });

  it('unmapped actions run on the cluster API; an MCP-run action is reconciled by its effect', async () => {
    const cluster = mcpCluster({ scale_deployment: scaleMapping });
    const restart: PlannedAction = { ...scaleApi, action: 'restart_deployment', params: {} };
    expect(await run(cluster, restart)).toMatchObject({ ok: true, message: expect.stringMatching(/^restarted deployment payments\/api/) });
    expect(realKubeWrites()).toHaveLength(1);
    expect(await cluster.reconcile(scaleApi, 'exec-mcp', { signal: signal() })).toBe('not_applied');
    kube.updateSpec('Deployment', 'payments', 'api', (spec) => {
      spec.replicas = 5;
    });
    expect(await cluster.reconcile(scaleApi, 'exec-mcp', { signal: signal() })).toBe('applied');
  });

  it('through the approval flow: the tool error ends the proposal FAILED with the tool’s words (real PostgreSQL)', async () => {
    const cluster = mcpCluster({
      scale_deployment: { ...scaleMapping, tool: 'always_fails', arguments: { namespace: '{target.namespace}', name: '{target.name}' } },
    });
    const h = await createApprovalHarness({ cluster });
    try {
      const created = await createProposal(h.deps, { incidentId: h.incidentId, planned: scaleApi, reason: 'more capacity', requestedBy: null });
      if (!created.ok) throw new Error(created.error.message);
      expect(await handleClick(h.deps, h.click('alice', created.proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
      expect(await executeProposal(h.deps, created.proposal.id)).toEqual({ ok: true, state: 'FAILED' });
      expect((await approvalQueries(h.db).proposal(created.proposal.id)).outcome).toBe(
        'failed: MCP tool recorder/always_fails failed: deployments.apps "api" is forbidden: User "mcp" cannot patch resource "deployments"',
      );
      expect(calls()).toEqual([{ tool: 'always_fails', arguments: { namespace: 'payments', name: 'api' } }]);
    } finally {
      await h.close();
    }
  });
});
