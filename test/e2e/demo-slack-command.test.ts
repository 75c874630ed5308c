import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('awoooi demo --slack (the tracer bullet through chat) [simulated Slack, sandbox cluster, simulated]', () => {
  it('posts one card per incident, takes two signed clicks, and edits the same message to SUCCEEDED, then VOIDED', () => {
    const run = spawnSync(process.execPath, ['bin/awoooi.js', 'demo', '--slack'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' },
    });
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.stdout).toMatch(/^PASS {2}card_posted +message ts \S+ in C0DEMO with Approve \/ Reject/m);
    expect(run.stdout).toMatch(/^PASS {2}slack_click_1 +U0ALICE clicked Approve → 200; privately: Signed\. Still needed/m);
    expect(run.stdout).toMatch(/^PASS {2}slack_click_2 +U0BOB clicked Approve → 200; privately: Signed\. Quorum met/m);
    expect(run.stdout).toMatch(/^PASS {2}card_shows_executed +the same message \(ts \S+\) now shows SUCCEEDED/m);
    expect(run.stdout).toMatch(/^PASS {2}card_shows_voided +the same message \(ts \S+\) now shows VOIDED/m);
    expect(run.stdout).toMatch(/^PASS {2}one_message_each +2 card messages for 2 incidents/m);
    expect(run.stdout).toMatch(/Summary: 11 passed, 0 failed/);
    expect(run.status).toBe(0);
  }, 90_000);
});
