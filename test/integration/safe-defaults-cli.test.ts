import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/domain/password-hash.ts';

const awoooi = (args: string[], environment: Record<string, string> = {}, input?: string) =>
  spawnSync(process.execPath, ['bin/awoooi.js', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    input,
    env: { PATH: process.env.PATH ?? '', ...environment },
  });

describe('safe defaults from the command line', () => {
  it('hash-password prints a scrypt hash of the piped password, which the config then accepts', async () => {
    const run = awoooi(['hash-password'], {}, 'correct horse battery\n');
    expect(run.status).toBe(0);
    const hash = run.stdout.trim();
    expect(hash).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(run.stdout + run.stderr).not.toContain('correct horse');

    const directory = mkdtempSync(join(tmpdir(), 'awoooi-hash-'));
    const good = join(directory, 'good.yaml');
    writeFileSync(good, `approvals:\n  people:\n    - {id: erin, name: Erin, roles: [sre], password: "${hash}"}\n`);
    expect(awoooi(['config', 'check'], { AWOOOI_CONFIG: good }).status).toBe(0);
    const plain = join(directory, 'plain.yaml');
    writeFileSync(plain, 'approvals:\n  people:\n    - {id: erin, name: Erin, roles: [sre], password: "correct horse battery"}\n');
    const refused = awoooi(['config', 'check'], { AWOOOI_CONFIG: plain });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/approvals\.people\.0\.password: must be a password hash, not the password: run `npx awoooi hash-password`/);
    expect(refused.stderr).not.toContain('correct horse');
  });

  it('config check and serve refuse a network listener without people or a webhook token, saying what to configure', () => {
    const check = awoooi(['config', 'check'], { HOST: '0.0.0.0' });
    expect(check.status).toBe(2);
    expect(check.stderr).toMatch(/2 problem\(s\)/);
    expect(check.stderr).toMatch(/no approvals\.people are configured/);
    expect(check.stderr).toMatch(/no webhook credentials are configured/);

    const serve = awoooi(['serve'], { HOST: '0.0.0.0', PORT: '0', AWOOOI_DATA_DIR: mkdtempSync(join(tmpdir(), 'awoooi-refuse-')) });
    expect(serve.status).toBe(2);
    const lines = serve.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.filter((line) => line.level === 50).map((line) => line.msg)).toEqual([
      expect.stringMatching(/not loopback and no approvals\.people/),
      expect.stringMatching(/not loopback and no webhook credentials/),
    ]);
    expect(serve.stdout).not.toMatch(/AWOOOI listening/);
  });

  it('config check warns loudly when AWOOOI_DEMO=true opens the demo to the network', () => {
    const check = awoooi(['config', 'check'], { HOST: '0.0.0.0', AWOOOI_DEMO: 'true' });
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/WARNING: DEMO sign-in is OPEN TO THE NETWORK/);
    expect(check.stdout).toMatch(/WARNING: The API is OPEN TO THE NETWORK/);
  });
});
