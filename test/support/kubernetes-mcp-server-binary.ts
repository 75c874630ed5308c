import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const version = '0.0.67';
const cache = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'kubernetes-mcp-server', version);

/**
 * The published kubernetes-mcp-server binary for this machine, fetched from the npm registry on first use into
 * node_modules/.cache. Not a dependency: its package names one optional package per platform, and a lock file
 * must list them all, which the registry here cannot (only some platforms are published for this version), so
 * `npm ci` would refuse the lock file.
 */
export function kubernetesMcpServerBinary(): string {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string] ?? process.platform;
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string] ?? process.arch;
  const name = `kubernetes-mcp-server-${platform}-${arch}`;
  const binary = join(cache, 'package', 'bin', `${name}${platform === 'windows' ? '.exe' : ''}`);
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', cache, '--silent'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1)!;
  execFileSync('tar', ['xzf', join(cache, tarball), '-C', cache]);
  chmodSync(binary, 0o755);
  return binary;
}
