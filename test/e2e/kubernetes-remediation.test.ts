import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleClick } from '../../src/approval/handle-click.ts';
import { buildIncidentCard } from '../../src/cards/build-incident-card.ts';
import { renderCardText } from '../../src/cards/render-card-text.ts';
import { startTestBot, eventually, type TestBot } from '../support/start-test-bot.ts';
import { FakeKubeApiserver } from '../support/fake-kube-apiserver.ts';
import { kubeWorld } from '../adapters/kubernetes/kube-world.ts';

const crashLoop = readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8');

/** payments/api as Argo CD applies it: the card must say so. */
function worldWithArgoManagedApi() {
  return kubeWorld().map((object) =>
    object.kind === 'Deployment' && object.metadata.name === 'api'
      ? {
          ...object,
          metadata: {
            ...object.metadata,
            annotations: { ...(object.metadata['annotations'] as object), 'argocd.argoproj.io/tracking-id': 'payments-api:apps/Deployment:payments/api' },
          },
        }
      : object,
  );
}

describe('alert → proposal → approval → execution on Kubernetes, through the whole bot (fake API server, simulated)', () => {
  let server: FakeKubeApiserver;
  let test: TestBot;

  beforeAll(async () => {
    server = await FakeKubeApiserver.start(worldWithArgoManagedApi());
    test = await startTestBot({
      cluster: { kind: 'kubernetes', kubeconfig: server.kubeconfigPath, namespaces: ['payments', 'shop'] },
      approvals: { people: [{ id: 'ann', name: 'Ann', roles: ['sre'], accounts: { slack: 'U_ANN' } }] },
    });
  });
  afterAll(async () => {
    await test?.close();
    await server?.close();
  });

  it('the crash-looping api gets a restart proposal dry-run against the API server; one signature runs it for real', async () => {
    expect(test.bot.parts.cluster.simulated).toBe(false);
    expect(test.bot.parts.description['cluster']).toMatch(
      /^kubernetes \(kubeconfig .*, context fake, http:\/\/127\.0\.0\.1:\d+; namespaces: payments, shop\)$/,
    );

    const response = await fetch(`${test.bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: crashLoop,
    });
    expect(response.status).toBe(200);
    const [incidentId] = ((await response.json()) as { incidents: string[] }).incidents;
    const deps = { people: test.bot.parts.people, cluster: test.bot.parts.cluster, prices: test.config.prices };
    const proposed = await eventually(async () => {
      const card = await buildIncidentCard(test.bot.database.db, incidentId!, deps);
      return card?.proposal?.state === 'PENDING' ? card : undefined;
    });
    expect(proposed.proposal).toMatchObject({
      action: 'restart_deployment',
      target: { kind: 'Deployment', namespace: 'payments', name: 'api' },
      risk: 'MEDIUM',
    });
    const text = renderCardText(proposed);
    expect(text).toContain('⚠ gitops: managed by Argo CD application payments-api');
    // The dry-run reached the API server: the bot's own permission and a dryRun=All patch, nothing persisted.
    expect(server.requests.some((request) => request.path.endsWith('/selfsubjectaccessreviews'))).toBe(true);
    expect(server.writes().map((write) => write.query['dryRun'])).toEqual(['All']);
    expect(server.get('Deployment', 'payments', 'api')!.metadata.generation).toBe(1);

    const clicked = await handleClick(test.bot.approval, { platform: 'slack', accountId: 'U_ANN', proposalId: proposed.proposal!.id, decision: 'approve' });
    expect(clicked).toMatchObject({ ok: true, state: 'APPROVED' });
    const done = await eventually(async () => {
      const card = await buildIncidentCard(test.bot.database.db, incidentId!, deps);
      return card?.proposal?.state === 'SUCCEEDED' ? card : undefined;
    });
    expect(done.proposal?.outcome).toMatch(/^restarted deployment payments\/api/);
    const deployment = server.get('Deployment', 'payments', 'api')!;
    expect(deployment.metadata.generation).toBe(2);
    expect(deployment.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    const [execution] = await test.bot.database.db.selectFrom('executions').select('id').where('proposal_id', '=', proposed.proposal!.id).execute();
    expect((deployment.metadata['annotations'] as Record<string, string>)['awoooi.io/execution-id']).toBe(execution!.id);
    expect(server.writes().filter((write) => write.query['dryRun'] === undefined)).toHaveLength(1);
  });
});
