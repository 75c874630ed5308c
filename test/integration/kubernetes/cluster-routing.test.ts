import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createProposal } from '../../../src/approval/create-proposal.ts';
import { executeProposal } from '../../../src/approval/execute-proposal.ts';
import { handleClick } from '../../../src/approval/handle-click.ts';
import { chooseCluster } from '../../../src/cli/choose-cluster.ts';
import { clusterCheckCommand } from '../../../src/cli/cluster-check-command.ts';
import type { Config } from '../../../src/config/config-schema.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { collectOutput } from '../../support/collect-output.ts';
import { systemClock } from '../../../src/ports/clock.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';
import { kubeWorld } from '../../adapters/kubernetes/kube-world.ts';
import { createApprovalHarness, type ApprovalHarness } from '../../support/approval-harness.ts';
import { approvalQueries } from '../../support/approval-queries.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';

const restartApi: PlannedAction = { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} };

/** One kubeconfig with a context per fake API server, as an operator with two clusters has. */
function twoContextKubeconfig(servers: Record<string, FakeKubeApiserver>): string {
  const documents = Object.entries(servers).map(([context, server]) => parse(server.kubeconfig(context)));
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': Object.keys(servers)[0],
    clusters: documents.flatMap((document) => document.clusters),
    users: documents.flatMap((document) => document.users),
    contexts: documents.flatMap((document) => document.contexts),
  });
}

describe('an approval runs on its incident’s cluster, chosen by name from config (two fake API servers, real PostgreSQL, simulated)', () => {
  let prod: FakeKubeApiserver;
  let staging: FakeKubeApiserver;
  let directory: string;
  let h: ApprovalHarness;
  let config: Config;

  beforeEach(async () => {
    // The same world in both: payments/api exists in production and in staging alike.
    [prod, staging] = await Promise.all([FakeKubeApiserver.start(kubeWorld()), FakeKubeApiserver.start(kubeWorld())]);
    directory = mkdtempSync(join(tmpdir(), 'awoooi-clusters-'));
    const kubeconfig = join(directory, 'kubeconfig');
    writeFileSync(kubeconfig, twoContextKubeconfig({ 'prod-admin': prod, 'staging-admin': staging }));
    const configFile = join(directory, 'awoooi.yaml');
    writeFileSync(
      configFile,
      stringify({
        cluster: {
          kind: 'kubernetes',
          kubeconfig,
          clusters: [
            { name: 'prod', context: 'prod-admin' },
            { name: 'staging', context: 'staging-admin' },
          ],
        },
        approvals: { people: [{ id: 'alice', name: 'Alice', roles: ['sre'] }] },
      }),
    );
    const loaded = loadConfig({ AWOOOI_CONFIG: configFile });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    config = loaded.config;
    const chosen = chooseCluster(config, systemClock);
    if (!chosen.ok) throw new Error(chosen.errors.join('\n'));
    expect(chosen.cluster.description).toMatch(/^prod: kubernetes \(.*context prod-admin/);
    h = await createApprovalHarness({ cluster: chosen.cluster, ...(chosen.clusters && { clusters: chosen.clusters }) });
  });
  afterEach(async () => {
    await h.close();
    await Promise.all([prod.close(), staging.close()]);
    rmSync(directory, { recursive: true, force: true });
  });

  const realWrites = (server: FakeKubeApiserver) => server.writes().filter((write) => write.query['dryRun'] === undefined);
  const dryRuns = (server: FakeKubeApiserver) => server.writes().filter((write) => write.query['dryRun'] !== undefined);
  const belongsTo = (cluster: string) => h.db.updateTable('incidents').set({ cluster }).where('id', '=', h.incidentId).execute();

  async function signed(planned: PlannedAction) {
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned, reason: 'api pods crash-loop', requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    expect(await handleClick(h.deps, h.click('alice', created.proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    return created.proposal;
  }

  it('a staging incident’s proposal dry-runs and executes on staging; production is never written', async () => {
    await belongsTo('staging');
    const proposal = await signed(restartApi);
    expect(dryRuns(staging).length).toBeGreaterThan(0);
    expect(prod.writes()).toEqual([]);
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    const [execution] = await approvalQueries(h.db).executions(proposal.id);
    expect(realWrites(staging)).toHaveLength(1);
    expect(staging.get('Deployment', 'payments', 'api')!.metadata.annotations).toMatchObject({ 'awoooi.io/execution-id': execution!.id });
    expect(prod.writes()).toEqual([]);
    expect(prod.get('Deployment', 'payments', 'api')!.metadata.annotations ?? {}).not.toHaveProperty(['awoooi.io/execution-id']);
    // The audit and the log name the cluster.
    const audit = await approvalQueries(h.db).audit(proposal.id);
    expect(audit.find((entry) => entry.kind === 'proposal_created')!.details).toMatchObject({ cluster: 'staging' });
    expect(audit.find((entry) => entry.kind === 'execution_succeeded')!.details).toMatchObject({ cluster: 'staging' });
    expect(h.logs.find((line) => line.message === 'proposal created')!.fields).toMatchObject({ cluster: 'staging' });
  });

  it('an incident from before several clusters (cluster "default", migration 0018) runs on the default cluster, production, only', async () => {
    const proposal = await signed(restartApi);
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });
    expect(realWrites(prod)).toHaveLength(1);
    expect(staging.writes()).toEqual([]);
  });

  it('an incident whose cluster is no longer configured fails closed: no proposal, and a signed one runs nowhere', async () => {
    await belongsTo('staging');
    const proposal = await signed(restartApi);
    await belongsTo('qa');
    expect(await executeProposal(h.deps, proposal.id)).toEqual({ ok: true, state: 'FAILED' });
    expect((await approvalQueries(h.db).proposal(proposal.id)).outcome).toBe(
      'the incident belongs to cluster qa, which is not configured; nothing runs elsewhere; nothing was changed',
    );
    expect(await createProposal(h.deps, { incidentId: h.incidentId, planned: restartApi, reason: 'again', requestedBy: null })).toMatchObject({
      ok: false,
      error: { code: 'cluster_unavailable', message: 'the incident belongs to cluster qa, which is not configured; nothing runs elsewhere' },
    });
    expect(realWrites(prod)).toEqual([]);
    expect(realWrites(staging)).toEqual([]);
  });

  it('`awoooi cluster check --cluster staging` asks staging’s API server; a name nobody configured is refused', async () => {
    const output = collectOutput();
    const errors = collectOutput();
    expect(await clusterCheckCommand(config, { json: true, cluster: 'staging' }, output.stream, errors.stream)).toBe(0);
    expect(JSON.parse(output.text()).cluster).toMatch(/^staging: kubernetes \(.*context staging-admin/);
    expect(staging.requests.some((request) => request.path.includes('selfsubjectaccessreviews'))).toBe(true);
    expect(prod.requests).toEqual([]);
    expect(await clusterCheckCommand(config, { json: true, cluster: 'qa' }, output.stream, errors.stream)).toBe(2);
    expect(errors.text()).toBe('awoooi: no cluster named qa (configured: prod, staging)\n');
  });
});
