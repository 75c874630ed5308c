import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseCluster } from '../../../src/cli/choose-cluster.ts';
import { configSchema } from '../../../src/config/config-schema.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { systemClock } from '../../../src/ports/clock.ts';

const kubeconfig = join(mkdtempSync(join(tmpdir(), 'choose-cluster-')), 'kubeconfig');
writeFileSync(
  kubeconfig,
  [
    'apiVersion: v1',
    'kind: Config',
    'current-context: staging',
    'clusters: [{ name: c, cluster: { server: "https://kube.example:6443" } }]',
    'users: [{ name: u, user: { token: t } }]',
    'contexts: [{ name: staging, context: { cluster: c, user: u } }, { name: prod, context: { cluster: c, user: u } }]',
  ].join('\n'),
);
const people = [{ id: 'ann', name: 'Ann', roles: ['sre'] }];

describe('chooseCluster: the sandbox by default, Kubernetes when AWOOOI_CLUSTER says so', () => {
  it('the environment switches it on and names the kubeconfig, its context and the namespaces', () => {
    const loaded = loadConfig({ AWOOOI_CLUSTER: 'kubernetes', KUBECONFIG: kubeconfig, KUBE_CONTEXT: 'prod', AWOOOI_NAMESPACES: 'shop, payments' });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.cluster).toMatchObject({ kind: 'kubernetes', kubeconfig, context: 'prod', namespaces: ['shop', 'payments'] });
    const chosen = chooseCluster(
      { ...loaded.config, approvals: { ...loaded.config.approvals, people: configSchema.parse({ approvals: { people } }).approvals.people } },
      systemClock,
    );
    expect(chosen.ok && chosen.cluster.description).toBe(
      `kubernetes (kubeconfig ${kubeconfig}, context prod, https://kube.example:6443; namespaces: shop, payments)`,
    );
    expect(chosen.ok && chosen.cluster.simulated).toBe(false);
  });

  it('the sandbox stays the default', () => {
    const chosen = chooseCluster(configSchema.parse({}), systemClock);
    expect(chosen.ok && chosen.cluster.simulated).toBe(true);
  });

  it('refuses the demo people on a real cluster, and a context the kubeconfig lacks', () => {
    expect(chooseCluster(configSchema.parse({ cluster: { kind: 'kubernetes', kubeconfig } }), systemClock)).toEqual({
      ok: false,
      errors: ['AWOOOI_CLUSTER=kubernetes: configure approvals.people; the demo people (alice, bob, carol, dave) may not sign changes to a real cluster'],
    });
    const missing = chooseCluster(configSchema.parse({ cluster: { kind: 'kubernetes', kubeconfig, context: 'dev' }, approvals: { people } }), systemClock);
    expect(missing).toEqual({ ok: false, errors: [`AWOOOI_CLUSTER=kubernetes: kubeconfig context dev not found (kubeconfig ${kubeconfig})`] });
  });

  it('AWOOOI_NAMESPACES must be DNS-1123 labels', () => {
    const loaded = loadConfig({ AWOOOI_NAMESPACES: 'shop,Bad_Name' });
    expect(loaded).toMatchObject({ ok: false, errors: [expect.stringMatching(/^AWOOOI_NAMESPACES: a DNS-1123 label/)] });
  });

  it('MCP execution wraps the Kubernetes adapter; it needs a real cluster, a known action and a configured server', () => {
    const mcp = {
      servers: { k8s: { command: 'npx', args: ['kubernetes-mcp-server', '--kubeconfig', kubeconfig] } },
      actions: {
        scale_deployment: {
          server: 'k8s',
          tool: 'resources_scale',
          arguments: { namespace: '{target.namespace}', name: '{target.name}', scale: '{params.replicas}' },
        },
      },
    };
    const chosen = chooseCluster(configSchema.parse({ cluster: { kind: 'kubernetes', kubeconfig }, approvals: { people }, mcp }), systemClock);
    expect(chosen.ok && chosen.cluster.description).toMatch(/^kubernetes \(.*\); MCP: scale_deployment → k8s\/resources_scale$/);
    expect(chooseCluster(configSchema.parse({ mcp }), systemClock)).toEqual({
      ok: false,
      errors: ['mcp.actions: MCP execution needs a real cluster for its dry-runs (AWOOOI_CLUSTER=kubernetes)'],
    });
    const wrong = configSchema.safeParse({
      mcp: { servers: {}, actions: { scale_deploy: { server: 'k8s', tool: 'x' }, cordon_node: { server: 'nope', tool: 'x' } } },
    });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mcp.actions.scale_deploy: not an action of the catalog/),
        'mcp.actions.cordon_node.server: no MCP server named nope',
      ]),
    );
  });

  it('several clusters: one port per named context, MCP on the default only, every bad entry named', () => {
    const mcp = {
      servers: { k8s: { command: 'npx', args: ['kubernetes-mcp-server'] } },
      actions: { scale_deployment: { server: 'k8s', tool: 'resources_scale', arguments: {} } },
    };
    const clusters = [
      { name: 'prod', context: 'prod' },
      { name: 'staging', context: 'staging', namespaces: ['shop'] },
    ];
    const chosen = chooseCluster(
      configSchema.parse({ cluster: { kind: 'kubernetes', kubeconfig, clusters, defaultCluster: 'staging' }, approvals: { people }, mcp }),
      systemClock,
    );
    if (!chosen.ok) throw new Error(chosen.errors.join('\n'));
    expect(chosen.cluster.description).toMatch(/^staging: kubernetes \(.*context staging, .*namespaces: shop\); MCP: scale_deployment/);
    expect(chosen.clusters?.defaultName).toBe('staging');
    expect(chosen.clusters?.get('prod')?.description).toMatch(/^prod: kubernetes \(.*context prod, .*namespaces: every namespace but/);
    expect(chosen.clusters?.get('prod')?.description).not.toContain('MCP');
    expect(chosen.clusters?.get('qa')).toBeUndefined();
    // Incidents from before several clusters carry "default": the default cluster.
    expect(chosen.clusters?.get('default')).toBe(chosen.cluster);

    const broken = chooseCluster(
      configSchema.parse({
        cluster: {
          kind: 'kubernetes',
          kubeconfig,
          clusters: [
            { name: 'prod', context: 'nope' },
            { name: 'dev', context: 'dev' },
          ],
        },
        approvals: { people },
      }),
      systemClock,
    );
    // MCP on a second cluster: every mapping must say which cluster, or the server would write to its own one.
    const twoMcp = (args: Record<string, unknown>) =>
      chooseCluster(
        configSchema.parse({
          cluster: { kind: 'kubernetes', kubeconfig, clusters: [clusters[0], { ...clusters[1], mcp: true }] },
          approvals: { people },
          mcp: { ...mcp, actions: { scale_deployment: { server: 'k8s', tool: 'resources_scale', arguments: args } } },
        }),
        systemClock,
      );
    expect(twoMcp({ name: '{target.name}' })).toEqual({
      ok: false,
      errors: [
        'mcp.actions.scale_deployment: MCP runs on several clusters (cluster.clusters[].mcp): pass the cluster in its arguments, e.g. context: "{cluster.context}"',
      ],
    });
    const both = twoMcp({ name: '{target.name}', context: '{cluster.context}' });
    expect(both.ok && both.clusters?.all().map((port) => port.description.includes('; MCP: '))).toEqual([true, true]);

    expect(broken).toEqual({
      ok: false,
      errors: [
        `cluster prod: kubeconfig context nope not found (kubeconfig ${kubeconfig})`,
        `cluster dev: kubeconfig context dev not found (kubeconfig ${kubeconfig})`,
      ],
    });
  });
});
