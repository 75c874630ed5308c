import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { costReads, discoveryReads, finopsReads, permissionsOf, readsOf } from '../../../adapters/kubernetes/access-review.ts';
import { KubernetesCluster } from '../../../adapters/kubernetes/kubernetes-cluster.ts';
import { actionCatalog } from '../../../src/actions/action-catalog.ts';
import { clusterCheckCommand } from '../../../src/cli/cluster-check-command.ts';
import { configSchema } from '../../../src/config/config-schema.ts';
import type { PlannedAction } from '../../../src/ports/cluster-port.ts';
import { collectOutput } from '../../support/collect-output.ts';
import { type AccessAttributes, FakeKubeApiserver } from '../../support/fake-kube-apiserver.ts';
import { kubeWorld } from './kube-world.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
type Manifest = { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[]; roleRef?: { name: string } };

const manifests = parseAllDocuments(readFileSync(new URL('../../../deploy/kubernetes/rbac.yaml', import.meta.url), 'utf8')).map(
  (document) => document.toJS() as Manifest,
);

/** RBAC as the API server evaluates these manifests: ClusterRoleBindings everywhere, RoleBindings in their namespace. */
function rbacOf(documents: readonly Manifest[]) {
  const roles = new Map(documents.filter((document) => document.kind === 'ClusterRole').map((role) => [role.metadata.name, role.rules ?? []]));
  const grants = documents.flatMap((document) => {
    if (document.kind === 'ClusterRoleBinding') return [{ namespace: undefined, rules: roles.get(document.roleRef!.name) ?? [] }];
    if (document.kind === 'RoleBinding') return [{ namespace: document.metadata.namespace, rules: roles.get(document.roleRef!.name) ?? [] }];
    return [];
  });
  return (attributes: AccessAttributes) => {
    const resource = `${attributes.resource}${attributes.subresource ? `/${attributes.subresource}` : ''}`;
    return grants.some(
      (grant) =>
        (grant.namespace === undefined || grant.namespace === attributes.namespace) &&
        grant.rules.some((rule) => rule.apiGroups.includes(attributes.group) && rule.resources.includes(resource) && rule.verbs.includes(attributes.verb)),
    );
  };
}

const key = (permission: { verb: string; group: string; resource: string; subresource?: string }) =>
  `${permission.verb} ${permission.group}/${permission.resource}${permission.subresource ? `/${permission.subresource}` : ''}`;

describe('deploy/kubernetes/rbac.yaml and `awoooi cluster check` [fake API server, simulated]', () => {
  let server: FakeKubeApiserver;
  const config = () => configSchema.parse({ cluster: { kind: 'kubernetes', kubeconfig: server.kubeconfigPath, namespaces: ['shop', 'payments'] } });

  beforeEach(async () => {
    server = await FakeKubeApiserver.start(kubeWorld());
    server.authorizeWith(rbacOf(manifests));
  });
  afterEach(() => server.close());

  it('grants exactly the verbs the adapter uses: no write verb beyond the catalog, no read beyond the dry-runs', () => {
    const granted = new Set(
      manifests
        .filter((document) => document.kind === 'ClusterRole')
        .flatMap((role) => role.rules ?? [])
        .flatMap((rule) =>
          rule.apiGroups.flatMap((group) =>
            rule.resources.flatMap((resource) =>
              rule.verbs.map((verb) =>
                key({ verb, group, resource: resource.split('/')[0]!, ...(resource.includes('/') && { subresource: resource.split('/')[1] }) }),
              ),
            ),
          ),
        ),
    );
    const used = new Set(
      [...[...actionCatalog.keys()].flatMap((action) => [...permissionsOf[action], ...readsOf[action]]), ...costReads, ...discoveryReads, ...finopsReads].map(
        key,
      ),
    );
    expect([...granted].sort()).toEqual([...used].sort());
  });

  it('with those grants, every catalog action may run in every allowed namespace (exit 0)', async () => {
    const output = collectOutput();
    const errors = collectOutput();
    expect(await clusterCheckCommand(config(), { json: true }, output.stream, errors.stream)).toBe(0);
    const report = JSON.parse(output.text()) as { allowed: boolean; actions: { action: string; scopes: { scope: string; allowed: boolean }[] }[] };
    expect(report.allowed).toBe(true);
    expect(report.actions.map((check) => [check.action, check.scopes.map((scope) => scope.scope)])).toEqual([
      ['restart_deployment', ['shop', 'payments']],
      ['evict_pod', ['shop', 'payments']],
      ['scale_deployment', ['shop', 'payments']],
      ['set_resources', ['shop', 'payments']],
      ['rollback_deployment', ['shop', 'payments']],
      ['cordon_node', ['cluster-wide']],
      ['delete_pvc', ['shop', 'payments']],
      ['delete_namespace', ['shop', 'payments']],
    ]);
  });

  it('and every dry-run and write of the adapter goes through under them', async () => {
    const cluster = new KubernetesCluster({ kubeconfig: server.kubeconfigPath, namespaces: ['shop', 'payments', 'preview-pr-142'] });
    const actions: PlannedAction[] = [
      { action: 'restart_deployment', target: { kind: 'Deployment', namespace: 'payments', name: 'api' }, params: {} },
      {
        action: 'set_resources',
        target: { kind: 'Deployment', namespace: 'payments', name: 'api' },
        params: { container: 'api', requests: { cpu: '100m', memory: '256Mi' } },
      },
      { action: 'evict_pod', target: { kind: 'Pod', namespace: 'payments', name: 'api-7d9f4b6c8-x2k4q' }, params: {} },
      { action: 'cordon_node', target: { kind: 'Node', name: 'node-a' }, params: {} },
      { action: 'delete_pvc', target: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'old-export' }, params: {} },
      { action: 'delete_namespace', target: { kind: 'Namespace', name: 'shop' }, params: {} },
    ];
    for (const planned of actions) {
      const dryRun = await cluster.dryRun(planned, { signal: AbortSignal.timeout(10_000) });
      expect({ action: planned.action, failed: dryRun.findings.filter((finding) => !finding.ok) }).toEqual({ action: planned.action, failed: [] });
      const executed = await cluster.execute(planned, {
        expectedFingerprint: dryRun.fingerprint,
        executionId: `exec-${planned.action}`,
        signal: AbortSignal.timeout(10_000),
      });
      expect(executed).toMatchObject({ ok: true });
    }
  });

  it('a missing grant is named per action and place (exit 1); the text report says what to grant', async () => {
    server.authorizeWith(rbacOf(manifests.filter((document) => !(document.kind === 'RoleBinding' && document.metadata.namespace === 'payments'))));
    const output = collectOutput();
    expect(await clusterCheckCommand(config(), { json: false }, output.stream, collectOutput().stream)).toBe(1);
    const text = output.text();
    expect(text).toMatch(/^kubernetes \(kubeconfig .*\)\n/);
    expect(text).toContain(
      '  restart_deployment   shop: yes; payments: NO (missing get deployments.apps, list poddisruptionbudgets.policy, patch deployments.apps)\n',
    );
    expect(text).toContain('  cordon_node          cluster-wide: yes\n');
    expect(text).toMatch(/some actions may not run/);
  });

  it('on the sandbox there is nothing to check (exit 2)', async () => {
    const errors = collectOutput();
    expect(await clusterCheckCommand(configSchema.parse({}), { json: false }, collectOutput().stream, errors.stream)).toBe(2);
    expect(errors.text()).toMatch(/sandbox \(simulated\)/);
  });
});
