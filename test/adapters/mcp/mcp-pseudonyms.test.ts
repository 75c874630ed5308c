import { randomBytes } from 'node:crypto';
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
import { BrainChain } from '../../../src/brain/brain-chain.ts';
import { databaseVaults } from '../../../src/brain/incident-vaults.ts';
import { PromptTemplate } from '../../../src/brain/prompt-template.ts';
import { deadline } from '../../../src/ports/call-options.ts';
import { labelPattern } from '../../../src/privacy/pseudonym-vault.ts';
import { createApprovalHarness, type ApprovalHarness } from '../../support/approval-harness.ts';
import { answer, incidentOfPrompt, pIIIncident, scriptedModel, secrets } from '../../support/brain-fixtures.ts';
import { FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { kubeWorld } from '../kubernetes/kube-world.ts';

const serverScript = fileURLToPath(new URL('../../support/recording-mcp-server.ts', import.meta.url));

describe('pseudonyms end at the execution boundary: a cloud model names [NAME_n], the MCP tool gets the object (recording MCP server, fake API server, real PostgreSQL, simulated)', () => {
  let kube: FakeKubeApiserver;
  let directory: string;
  let recordFile: string;
  let cluster: McpCluster;
  let h: ApprovalHarness;

  beforeEach(async () => {
    kube = await FakeKubeApiserver.start(kubeWorld());
    directory = mkdtempSync(join(tmpdir(), 'awoooi-mcp-pseudonyms-'));
    recordFile = join(directory, 'calls.jsonl');
    cluster = new McpCluster(new KubernetesCluster({ kubeconfig: kube.kubeconfigPath }), {
      servers: { recorder: { command: process.execPath, args: [serverScript], env: { RECORD_FILE: recordFile } } },
      actions: {
        scale_deployment: {
          server: 'recorder',
          tool: 'resources_scale',
          arguments: { namespace: '{target.namespace}', name: '{target.name}', scale: '{params.replicas}' },
        },
      },
    });
    h = await createApprovalHarness({ cluster });
  });
  afterEach(async () => {
    await cluster.close();
    await h.close();
    await kube.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const calls = () =>
    existsSync(recordFile)
      ? readFileSync(recordFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];

  it('the model sees and answers in pseudonyms; the tool receives shop/checkout; no secret and no label reaches the tool, the proposal, the audit or the logs', async () => {
    let proposedTarget: unknown;
    const cloud = scriptedModel('anthropic', false, (request) => {
      const incident = incidentOfPrompt(request.prompt);
      proposedTarget = { kind: 'Deployment', namespace: incident.topology[0].namespace, name: incident.alerts[0].service };
      return answer('it is crash looping', [{ action: 'scale_deployment', target: proposedTarget, params: { replicas: 4 }, reason: 'more headroom' }]);
    });
    const brain = new BrainChain({
      models: [cloud],
      // The incident's own vault, sealed in PostgreSQL: the labels the model saw are the ones rehydrated.
      vaults: databaseVaults(h.db, randomBytes(32)),
      prompt: PromptTemplate.load('diagnose-incident', 1),
      pseudonymizeNames: 'auto',
      callTimeoutMilliseconds: 5_000,
      retries: 0,
      breaker: { failures: 3, cooldownMilliseconds: 30_000 },
      wait: async () => {},
    });
    const diagnosed = await brain.diagnose(pIIIncident(h.incidentId), { signal: deadline(10_000) });
    if (!diagnosed.ok) throw new Error(diagnosed.error.message);
    // What the model saw and said: labels only.
    expect(proposedTarget).toEqual({
      kind: 'Deployment',
      namespace: expect.stringMatching(/^\[NAMESPACE_\d+\]$/),
      name: expect.stringMatching(/^\[NAME_\d+\]$/),
    });
    const sent = JSON.stringify(cloud.requests);
    for (const value of ['checkout', 'ip-10-0-3-17', ...Object.values(secrets)]) expect(sent).not.toContain(value);

    const [proposed] = diagnosed.diagnosis.proposals;
    const created = await createProposal(h.deps, { incidentId: h.incidentId, planned: proposed!.planned, reason: proposed!.reason, requestedBy: null });
    if (!created.ok) throw new Error(created.error.message);
    expect(await handleClick(h.deps, h.click('alice', created.proposal.id, 'approve'))).toMatchObject({ ok: true, state: 'APPROVED' });
    expect(await executeProposal(h.deps, created.proposal.id)).toEqual({ ok: true, state: 'SUCCEEDED' });

    // The tool got the real object, and nothing shaped like a label.
    expect(calls()).toEqual([{ tool: 'resources_scale', arguments: { namespace: 'shop', name: 'checkout', scale: 4 } }]);
    // What signers read and the cluster API dry-ran is the object itself (a Kubernetes name is no secret; ADR 0033);
    // what the alert carried that is secret never gets this far.
    const proposal = await h.db.selectFrom('proposals').selectAll().where('id', '=', created.proposal.id).executeTakeFirstOrThrow();
    expect(proposal.target).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    const audit = await h.db.selectFrom('audit_log').selectAll().where('incident_id', '=', h.incidentId).execute();
    const kept = JSON.stringify([proposal, audit, h.logs, calls()]);
    for (const value of Object.values(secrets)) expect(kept).not.toContain(value);
    expect(JSON.stringify(calls())).not.toMatch(new RegExp(labelPattern.source));
  });

  it('a label this incident never issued is refused: no proposal, so no tool call, can carry it', async () => {
    const cloud = scriptedModel('anthropic', false, () =>
      answer('it is crash looping', [
        { action: 'scale_deployment', target: { kind: 'Deployment', namespace: '[NAMESPACE_9]', name: '[NAME_9]' }, params: { replicas: 4 }, reason: 'x' },
      ]),
    );
    const brain = new BrainChain({
      models: [cloud],
      vaults: databaseVaults(h.db, randomBytes(32)),
      prompt: PromptTemplate.load('diagnose-incident', 1),
      pseudonymizeNames: 'auto',
      callTimeoutMilliseconds: 5_000,
      retries: 0,
      breaker: { failures: 3, cooldownMilliseconds: 30_000 },
      wait: async () => {},
    });
    const diagnosed = await brain.diagnose(pIIIncident(h.incidentId), { signal: deadline(10_000) });
    if (!diagnosed.ok) throw new Error(diagnosed.error.message);
    // Only the rules' own proposal stands; the model's, naming labels nobody issued, is refused and kept for the audit.
    expect(diagnosed.diagnosis.proposals.map((entry) => (entry.planned as { action: string }).action)).toEqual(['restart_deployment']);
    expect(diagnosed.diagnosis.refused).toEqual([expect.objectContaining({ reason: 'names labels this incident never issued: [NAME_9], [NAMESPACE_9]' })]);
  });
});
