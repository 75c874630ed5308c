import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkListenerSafety } from '../../../src/cli/listener-safety.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

const root = new URL('../../../', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, root), 'utf8');
const examplePath = new URL('deploy/awoooi.example.yaml', root).pathname;

/**
 * Docker cannot run here, so the container set-up is checked as files: what compose passes to the bot, and
 * that the bot accepts it on 0.0.0.0 (the same load and refusal rules as `serve`).
 */
describe('deploy/ and docker-compose.yml configure people and a token for a network listener', () => {
  const compose = parseYaml(text('docker-compose.yml')) as { services: { awoooi: { environment: Record<string, string>; volumes: string[] } } };
  const service = compose.services.awoooi;

  it('compose listens on 0.0.0.0, requires a webhook token and a mounted config file where AWOOOI_CONFIG points', () => {
    expect(service.environment.HOST).toBe('0.0.0.0');
    expect(service.environment.AWOOOI_WEBHOOK_TOKEN).toMatch(/^\$\{AWOOOI_WEBHOOK_TOKEN:\?/);
    const mount = service.volumes.find((volume) => volume.includes(`:${service.environment.AWOOOI_CONFIG}`));
    expect(mount).toMatch(/^\$\{AWOOOI_CONFIG_FILE:\?[^}]*deploy\/awoooi\.example\.yaml[^}]*\}:\/etc\/awoooi\/awoooi\.yaml:ro$/);
  });

  it('the example config, as compose passes it, starts on 0.0.0.0: people with password hashes and the token', () => {
    const environment = {
      HOST: service.environment.HOST,
      AWOOOI_CONFIG: examplePath,
      AWOOOI_WEBHOOK_TOKEN: 'x'.repeat(32),
      AWOOOI_PUBLIC_URL: 'http://localhost:8080',
    };
    const loaded = loadConfig(environment);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.approvals.people.map((person) => person.roles[0])).toEqual(['sre', 'devops', 'cto', 'ciso']);
    for (const person of loaded.config.approvals.people) expect(person.password).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(checkListenerSafety(loaded.config).errors).toEqual([]);

    const { AWOOOI_WEBHOOK_TOKEN: _token, ...withoutToken } = environment;
    const refused = loadConfig(withoutToken);
    expect(refused.ok && checkListenerSafety(refused.config).errors).toEqual([expect.stringMatching(/no webhook credentials/)]);
  });

  it('the image listens on 0.0.0.0 and copies only what exists', () => {
    const dockerfile = text('deploy/Dockerfile');
    expect(dockerfile).toMatch(/^ENV HOST=0\.0\.0\.0 /m);
    const sources = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((match) => match[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(existsSync(new URL(source, root)), source).toBe(true);
  });
});
