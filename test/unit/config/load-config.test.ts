import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'awoooi-config-')), 'awoooi.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('gives embedded defaults with nothing configured', () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.server).toMatchObject({ port: 8080, host: '127.0.0.1', bodyLimitBytes: 1048576 });
    expect(result.config.storage.databaseUrl).toBeUndefined();
    expect(result.config.topology.maxDepth).toBe(3);
    expect(result.config.incidents.correlationWindowMinutes).toBe(5);
    expect(result.config.cluster.timeoutSeconds).toBe(30);
    expect(result.config.brain.timeoutSeconds).toBe(60);
  });

  it('reads the deadlines of cluster and brain calls from the environment, and refuses nonsense by name', () => {
    const result = loadConfig({ AWOOOI_CLUSTER_TIMEOUT_SECONDS: '12.5', AWOOOI_BRAIN_TIMEOUT_SECONDS: '90' });
    expect(result.ok && { cluster: result.config.cluster, brain: result.config.brain }).toEqual({
      cluster: { timeoutSeconds: 12.5 },
      brain: { timeoutSeconds: 90 },
    });
    const bad = loadConfig({ AWOOOI_CLUSTER_TIMEOUT_SECONDS: '0', AWOOOI_BRAIN_TIMEOUT_SECONDS: 'soon' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.join('\n')).toMatch(/^AWOOOI_CLUSTER_TIMEOUT_SECONDS: .*\n^AWOOOI_BRAIN_TIMEOUT_SECONDS: /m);
  });

  it('reports every bad setting at once, each by its variable name', () => {
    const result = loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', AWOOOI_WEBHOOK_TOKEN: 'short', AWOOOI_TOPOLOGY_MAX_DEPTH: '0' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.errors.join('\n');
    expect(result.errors).toHaveLength(4);
    expect(text).toMatch(/^PORT: /m);
    expect(text).toMatch(/^DATABASE_URL: must start with postgres/m);
    expect(text).toMatch(/^AWOOOI_WEBHOOK_TOKEN: /m);
    expect(text).toMatch(/^AWOOOI_TOPOLOGY_MAX_DEPTH: /m);
  });

  it('reads the YAML file, names its bad keys by path, and lets the environment win', () => {
    const path = yamlFile('server:\n  port: 9090\n  colour: blue\napprovals:\n  people:\n    - id: alice\n      name: Alice\n      roles: [sre, wizard]\n');
    const result = loadConfig({ AWOOOI_CONFIG: path });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.some((error) => error.includes('server') && error.includes('colour'))).toBe(true);
    expect(result.errors.some((error) => error.includes('approvals.people.0.roles.1'))).toBe(true);

    const good = yamlFile('server:\n  port: 9090\ntopology:\n  serviceLabels: [app]\n');
    const merged = loadConfig({ AWOOOI_CONFIG: good, PORT: '7070', AWOOOI_SERVICE_LABELS: 'service, app' });
    expect(merged.ok && merged.config.server.port).toBe(7070);
    expect(merged.ok && merged.config.topology.serviceLabels).toEqual(['service', 'app']);
  });

  it('says clearly when the file is missing or not YAML', () => {
    const missing = loadConfig({ AWOOOI_CONFIG: '/nonexistent/awoooi.yaml' });
    expect(!missing.ok && missing.errors[0]).toMatch(/AWOOOI_CONFIG: cannot read .*ENOENT/);
    const broken = loadConfig({ AWOOOI_CONFIG: yamlFile('server: [unclosed') });
    expect(!broken.ok && broken.errors[0]).toMatch(/invalid YAML/);
  });

  it('requires basic-auth user and password together', () => {
    const result = loadConfig({ AWOOOI_WEBHOOK_USER: 'alertmanager' });
    expect(!result.ok && result.errors.join()).toMatch(/user and password go together/);
  });
});

describe('people', () => {
  it('refuses two people sharing an id or a chat account (one could sign as the other)', () => {
    const path = yamlFile(
      'approvals:\n  people:\n    - {id: alice, name: Alice, roles: [sre], accounts: {slack: U1}}\n    - {id: bob, name: Bob, roles: [devops], accounts: {slack: U1}}\n    - {id: carol, name: Carol, roles: [cto], accounts: {web: alice}}\n',
    );
    const result = loadConfig({ AWOOOI_CONFIG: path });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.join('\n')).toMatch(/approvals\.people\.1: slack account U1 is already used by people\[0\]/);
    expect(result.errors.join('\n')).toMatch(/approvals\.people\.2: web account alice is already used by people\[0\]/);
  });
});

describe('risk overrides', () => {
  it('accepts catalog actions and names a typo', () => {
    expect(loadConfig({ AWOOOI_CONFIG: yamlFile('approvals:\n  riskOverrides: {restart_deployment: HIGH}\n') }).ok).toBe(true);
    const typo = loadConfig({ AWOOOI_CONFIG: yamlFile('approvals:\n  riskOverrides: {restart_deploy: HIGH}\n') });
    expect(!typo.ok && typo.errors.join()).toMatch(/approvals\.riskOverrides\.restart_deploy: not an action of the catalog/);
  });
});
