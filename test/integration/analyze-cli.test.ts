import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const crashloop = 'test/fixtures/alertmanager-v4-crashloop.json';
const cascade = 'test/fixtures/alertmanager-v4-cascade.json';
const demoTopology = 'adapters/sandbox/demo-topology.yaml';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI in a child process, on this Node (24 under vitest), without the caller's AWOOOI_* settings. */
function awoooi(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/awoooi.js', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('awoooi analyze', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'awoooi-analyze-'));
  });
  afterAll(async () => rm(scratch, { recursive: true, force: true }));

  it('turns the crash-loop payload into one incident with root cause, blast radius and a rule-based proposal', async () => {
    const run = await awoooi('analyze', '--alerts', crashloop, '--topology', demoTopology, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { incidents } = JSON.parse(run.stdout);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident).toMatchObject({ id: 'inc-1', title: 'KubePodCrashLooping on api', severity: 'warning', services: ['api'] });
    expect(incident.rootCauses[0]).toEqual({
      service: 'api',
      kind: 'service',
      score: 1,
      alerting: true,
      evidence: ['"api" is alerting: KubePodCrashLooping (warning) since 10:00:00Z'],
    });
    expect(incident.blastRadius).toEqual([
      { service: 'payments', depth: 1 },
      { service: 'checkout', depth: 2 },
      { service: 'storefront', depth: 3 },
    ]);
    expect(incident.proposals).toEqual([
      {
        action: 'restart_deployment',
        target: { kind: 'Deployment', namespace: 'payments', name: 'api' },
        params: {},
        risk: 'MEDIUM',
        requiredSignatures: 1,
        reason: expect.stringContaining('pod payments/api-7d9f-x2k is crash-looping (CrashLoopBackOff)'),
      },
    ]);
    expect(incident.diagnosis).toMatch(/^api is the likely root cause: /);
  });

  it('shows the proposals in its text output', async () => {
    const run = await awoooi('analyze', '--alerts', crashloop, '--topology', demoTopology);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('inc-1  [warning] KubePodCrashLooping on api\n');
    expect(run.stdout).toContain('  blast radius: payments (1), checkout (2), storefront (3)\n');
    expect(run.stdout).toContain(
      '  proposals, best first:\n    restart_deployment: rollout restart of deployment payments/api\n          risk MEDIUM, needs 1 signature\n',
    );
    expect(run.stdout).toMatch(/ {2}diagnosis: api is the likely root cause/);
  });

  it('makes one incident of a cascade, with the database as the best root cause and the evidence for it', async () => {
    const run = await awoooi('analyze', '--alerts', cascade, '--topology', demoTopology, '--json');
    expect(run.code).toBe(0);
    const { incidents } = JSON.parse(run.stdout);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident).toMatchObject({ severity: 'critical', services: ['checkout', 'orders-db', 'payments'] });
    expect(incident.rootCauses.map((candidate: { service: string }) => candidate.service)).toEqual(['orders-db', 'payments', 'checkout']);
    expect(incident.rootCauses[0]).toEqual({
      service: 'orders-db',
      kind: 'database',
      score: 1,
      alerting: true,
      evidence: [
        '"orders-db" is alerting: PostgresDown (critical) since 10:00:00Z',
        'checkout → orders-db (1 hop); checkout is alerting: HighLatency',
        'payments → orders-db (1 hop); payments is alerting: HighLatency',
      ],
    });
    expect(incident.blastRadius).toEqual([
      { service: 'api', depth: 1 },
      { service: 'storefront', depth: 1 },
    ]);
    // Nothing in the catalog repairs a database, and restarting its victims would only add churn.
    expect(incident.proposals).toEqual([]);
    expect(incident.diagnosis).toMatch(/^orders-db is the likely root cause: /);
  });

  it('applies the merge and group rules of the live path: siblings joined by the service above them, unrelated apps of one group kept apart', async () => {
    const alert = (alertname: string, container: string, startsAt: string) => ({
      status: 'firing',
      labels: { alertname, container, namespace: 'shop', severity: 'warning' },
      annotations: {},
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
    });
    const payload = (alerts: unknown[]) => ({ version: '4', groupKey: '{}:{alertname="any"}', status: 'firing', receiver: 'awoooi', alerts });
    const herd = join(scratch, 'herd.json');
    // cart and payments are siblings below checkout: two incidents until checkout alerts, then one.
    await writeFile(
      herd,
      JSON.stringify(
        payload([
          alert('KubePodCrashLooping', 'cart', '2026-03-01T10:00:00Z'),
          alert('KubePodCrashLooping', 'payments', '2026-03-01T10:01:00Z'),
          alert('HighLatency', 'checkout', '2026-03-01T10:02:00Z'),
        ]),
      ),
    );
    const merged = await awoooi('analyze', '--alerts', herd, '--topology', demoTopology, '--json');
    expect(merged.stderr).toBe('');
    expect(JSON.parse(merged.stdout).incidents.map((incident: { services: string[] }) => incident.services)).toEqual([['cart', 'checkout', 'payments']]);
    const apart = join(scratch, 'apart.json');
    await writeFile(
      apart,
      JSON.stringify(
        payload([
          alert('KubePodCrashLooping', 'session-cache', '2026-03-01T10:00:00Z'),
          alert('KubePodCrashLooping', 'card-processor', '2026-03-01T10:00:30Z'),
        ]),
      ),
    );
    const separate = await awoooi('analyze', '--alerts', apart, '--topology', demoTopology, '--json');
    expect(JSON.parse(separate.stdout).incidents.map((incident: { services: string[] }) => incident.services)).toEqual([['session-cache'], ['card-processor']]);
  });

  it('exits 2 naming a file it cannot read', async () => {
    const alerts = await awoooi('analyze', '--alerts', join(scratch, 'missing.json'), '--topology', demoTopology);
    expect(alerts).toEqual({ code: 2, stdout: '', stderr: `awoooi analyze: ${join(scratch, 'missing.json')}: cannot read (ENOENT)\n` });
    const topology = await awoooi('analyze', '--alerts', crashloop, '--topology', join(scratch, 'missing.yaml'));
    expect(topology).toEqual({ code: 2, stdout: '', stderr: `awoooi analyze: ${join(scratch, 'missing.yaml')}: cannot read (ENOENT)\n` });
  });

  it('exits 2 on a file that is not JSON', async () => {
    const file = join(scratch, 'broken.json');
    await writeFile(file, '{"version":"4","alerts":[');
    const run = await awoooi('analyze', '--alerts', file, '--topology', demoTopology);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^awoooi analyze: ${file}: not valid JSON \\(.+\\)\\n$`));
  });

  it('exits 2 on JSON that is not an Alertmanager payload, saying what is wrong where', async () => {
    const file = join(scratch, 'not-alertmanager.json');
    await writeFile(file, JSON.stringify({ version: '4', alerts: [{ status: 'burning', labels: { alertname: 'X' }, startsAt: 'yesterday' }] }));
    const run = await awoooi('analyze', '--alerts', file, '--topology', demoTopology);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`awoooi analyze: ${file}: alerts[0].status: `);
    expect(run.stderr).toContain(`awoooi analyze: ${file}: alerts[0].startsAt: not a valid timestamp`);
  });

  it('exits 2 on an invalid topology, listing every problem', async () => {
    const file = join(scratch, 'topology.yaml');
    await writeFile(
      file,
      [
        'services:',
        '  - name: checkout',
        '    kind: servise',
        '    dependsOn: [payments, ghost]',
        '  - name: payments',
        '    depends_on: [orders-db]',
        '  - name: checkout',
        '',
      ].join('\n'),
    );
    const run = await awoooi('analyze', '--alerts', crashloop, '--topology', file);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.every((line) => line.startsWith(`awoooi analyze: ${file}: `))).toBe(true);
    expect(lines.map((line) => line.slice(`awoooi analyze: ${file}: `.length)).sort()).toEqual([
      'services[0].dependsOn: "ghost" is not a service in the topology',
      expect.stringMatching(/^services\[0\]\.kind: unknown kind "servise"/),
      expect.stringMatching(/^services\[1\]: unknown key "depends_on"/),
      expect.stringMatching(/^services\[2\]\.name: duplicate name "checkout"/),
    ]);
  });
});
