import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('awoooi demo (the tracer bullet, embedded defaults) [sandbox cluster, simulated]', () => {
  it('passes every step of both rounds and exits 0', () => {
    const run = spawnSync(process.execPath, ['bin/awoooi.js', 'demo'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' },
    });
    expect(run.stdout).not.toMatch(/^FAIL/m);
    for (const step of ['trigger_alert', 'graphrag_analysis', 'generate_approval', 'multisig_approval', 'mcp_execution', 'toctou_void', 'audit_chain']) {
      expect(run.stdout).toMatch(new RegExp(`^PASS  ${step}`, 'm'));
    }
    expect(run.stdout).toMatch(/^PASS {2}mcp_execution +SUCCEEDED/m);
    expect(run.stdout).toMatch(/^PASS {2}toctou_void +VOIDED: state changed since signing \(.*replicas/m);
    expect(run.stdout).toMatch(/Summary: 11 passed, 0 failed/);
    expect(run.status).toBe(0);
  }, 90_000);
});
