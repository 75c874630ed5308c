import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/domain/password-hash.ts';
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
    // 16 MiB: Alertmanager posts a whole group at once, and a group of a few thousand alerts is several megabytes.
    expect(result.config.server).toMatchObject({ port: 8080, host: '127.0.0.1', bodyLimitBytes: 16 * 1024 * 1024, trustProxy: false, demo: false });
    expect(result.config.server.publicUrl).toBeUndefined();
    expect(result.config.storage.databaseUrl).toBeUndefined();
    expect(result.config.topology.maxDepth).toBe(3);
    expect(result.config.incidents.correlationWindowMinutes).toBe(5);
    expect(result.config.cluster.timeoutSeconds).toBe(30);
    expect(result.config.brain.timeoutSeconds).toBe(60);
  });

  it('reads the deadlines of cluster and brain calls from the environment, and refuses nonsense by name', () => {
    const result = loadConfig({ AWOOOI_CLUSTER_TIMEOUT_SECONDS: '12.5', AWOOOI_BRAIN_TIMEOUT_SECONDS: '90' });
    expect(result.ok && { cluster: result.config.cluster, brain: result.config.brain.timeoutSeconds }).toEqual({
      cluster: { timeoutSeconds: 12.5, kind: 'sandbox', namespaces: [], clusters: [], label: 'cluster' },
      brain: 90,
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

describe('passwords', () => {
  const person = (password: string) => yamlFile(`approvals:\n  people:\n    - {id: erin, name: Erin, roles: [sre], password: "${password}"}\n`);

  it('refuses a plaintext password, telling to run awoooi hash-password, without repeating it', () => {
    const result = loadConfig({ AWOOOI_CONFIG: person('correct horse battery') });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/approvals\.people\.0\.password: must be a password hash, not the password: run `npx awoooi hash-password`/);
    expect(result.errors[0]).not.toContain('correct horse');
  });

  it('accepts a scrypt hash and names what is wrong with a broken one', async () => {
    const hash = await hashPassword('correct horse battery', { N: 1024, r: 8, p: 1 });
    const good = loadConfig({ AWOOOI_CONFIG: person(hash) });
    expect(good.ok && good.config.approvals.people[0]?.password).toBe(hash);
    const tooCheap = loadConfig({ AWOOOI_CONFIG: person(hash.replace('scrypt$1024$', 'scrypt$16$')) });
    expect(!tooCheap.ok && tooCheap.errors.join()).toMatch(/power of two from 1024/);
    const truncated = loadConfig({ AWOOOI_CONFIG: person(hash.slice(0, -20)) });
    expect(!truncated.ok && truncated.errors.join()).toMatch(/hash must be 32 to 64 bytes.*hash-password/);
  });
});

describe('network settings', () => {
  it('takes the public URL as an origin and refuses one with a path or another scheme', () => {
    const url = loadConfig({ AWOOOI_PUBLIC_URL: 'https://awoooi.example.com/' });
    expect(url.ok && url.config.server.publicUrl).toBe('https://awoooi.example.com');
    for (const bad of ['https://awoooi.example.com/console', 'ftp://awoooi.example.com', 'awoooi.example.com']) {
      const result = loadConfig({ AWOOOI_PUBLIC_URL: bad });
      expect(!result.ok && result.errors.join()).toMatch(/^AWOOOI_PUBLIC_URL: must be an http\(s\) origin/);
    }
  });

  it('reads trustProxy as true, or a list of proxy addresses and CIDRs, and refuses a hop count with the reason', () => {
    const value = (text: string) => {
      const result = loadConfig({ AWOOOI_TRUST_PROXY: text });
      return result.ok ? result.config.server.trustProxy : result.errors.join();
    };
    expect(value('true')).toBe(true);
    expect(value('false')).toBe(false);
    expect(value('10.0.0.0/8, 127.0.0.1, fd00::/8, uniquelocal')).toEqual(['10.0.0.0/8', '127.0.0.1', 'fd00::/8', 'uniquelocal']);
    expect(value('2')).toMatch(/^AWOOOI_TRUST_PROXY: a hop count is not accepted/);
    expect(value('10.0.0.0/33')).toMatch(/^AWOOOI_TRUST_PROXY: give true, or proxy addresses/);
    expect(value('proxy.internal')).toMatch(/^AWOOOI_TRUST_PROXY: give true, or proxy addresses/);
    const yaml = loadConfig({ AWOOOI_CONFIG: yamlFile('server:\n  trustProxy: [10.1.0.0/16]\n') });
    expect(yaml.ok && yaml.config.server.trustProxy).toEqual(['10.1.0.0/16']);
  });

  it('reads AWOOOI_DEMO as a boolean and names a typo', () => {
    const demo = loadConfig({ AWOOOI_DEMO: 'true' });
    expect(demo.ok && demo.config.server.demo).toBe(true);
    const typo = loadConfig({ AWOOOI_DEMO: 'sure' });
    expect(!typo.ok && typo.errors.join()).toMatch(/^AWOOOI_DEMO: /);
  });

  it('names several clusters (contexts or in-cluster) with a default and the alert label; refuses duplicates, strangers and half entries by path', () => {
    const good = yamlFile(
      'cluster:\n  kind: kubernetes\n  clusters:\n    - name: prod\n      context: prod-admin\n    - name: staging\n      inCluster: true\n      namespaces: [shop]\n',
    );
    const loaded = loadConfig({ AWOOOI_CONFIG: good, AWOOOI_DEFAULT_CLUSTER: 'staging', AWOOOI_CLUSTER_LABEL: 'k8s_cluster' });
    expect(loaded.ok && loaded.config.cluster).toMatchObject({
      defaultCluster: 'staging',
      label: 'k8s_cluster',
      clusters: [
        { name: 'prod', context: 'prod-admin' },
        { name: 'staging', inCluster: true, namespaces: ['shop'] },
      ],
    });
    const bad = yamlFile(
      'cluster:\n  defaultCluster: qa\n  clusters:\n    - name: prod\n      context: a\n    - name: prod\n      context: b\n    - name: edge\n',
    );
    const refused = loadConfig({ AWOOOI_CONFIG: bad });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    const text = refused.errors.join('\n');
    expect(text).toMatch(/cluster\.clusters\.1\.name.*cluster prod is named twice/);
    expect(text).toMatch(/cluster\.clusters\.2.*either a kubeconfig context or inCluster: true/);
    expect(text).toMatch(/several clusters need AWOOOI_CLUSTER=kubernetes/);
    expect(text).toMatch(/cluster\.defaultCluster.*no cluster named qa/);
  });
});
