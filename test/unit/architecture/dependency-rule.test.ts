import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const biome = join(root, 'node_modules/.bin/biome');

/** Lints `source` as if it lived at `path`, under the project's biome.json (its overrides match on the path). */
function lintAs(path: string, source: string): { ok: boolean; output: string } {
  const scratch = mkdtempSync(join(tmpdir(), 'awoooi-lint-'));
  try {
    copyFileSync(join(root, 'biome.json'), join(scratch, 'biome.json'));
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), source);
    const run = spawnSync(biome, ['lint', '--vcs-enabled=false', path], { encoding: 'utf8', cwd: scratch });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('the dependency rule (biome.json), as npm test runs it', () => {
  it('refuses an adapters/ import in the core outside the composition root', () => {
    const result = lintAs(
      'src/http/probe.ts',
      "import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';\nexport const probe = SandboxCluster;\n",
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain('only the composition root (src/cli/) picks adapters');
  });

  it('allows the composition root to pick adapters', () => {
    expect(
      lintAs('src/cli/probe.ts', "import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';\nexport const probe = SandboxCluster;\n").ok,
    ).toBe(true);
  });

  it('refuses a platform SDK in the core', () => {
    const result = lintAs('src/approval/probe.ts', "import { WebClient } from '@slack/web-api';\nexport const probe = WebClient;\n");
    expect(result.ok).toBe(false);
    expect(result.output).toContain('platform SDKs live in adapters/');
  });

  it('keeps src/domain a leaf: it imports nothing else of the project', () => {
    const result = lintAs('src/domain/probe.ts', "import { planHash } from '../approval/plan-hash.ts';\nexport const probe = planHash;\n");
    expect(result.ok).toBe(false);
    expect(result.output).toContain('src/domain/ is the leaf');
    expect(lintAs('src/domain/probe.ts', "import { risks } from './risk.ts';\nexport const probe = risks;\n").ok).toBe(true);
  });
});
