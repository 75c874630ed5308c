import { afterEach, describe, expect, it } from 'vitest';
import type { PersonConfig } from '../../../src/config/config-schema.ts';
import { hashPassword } from '../../../src/domain/password-hash.ts';
import { consoleBrowser as browser, consoleHarness, type ConsoleHarness } from './console-fixtures.ts';

const testCost = { N: 1024, r: 8, p: 1 };
const people: PersonConfig[] = [
  { id: 'erin', name: 'Erin', roles: ['sre'], accounts: {}, password: await hashPassword('correct horse battery', testCost) },
  { id: 'frank', name: 'Frank', roles: ['devops'], accounts: {}, password: await hashPassword('staple gun 42', testCost) },
];

describe('web console sign-in (sessions and counters in PostgreSQL)', () => {
  let harness: ConsoleHarness;
  afterEach(async () => harness?.close());

  it('throttles per client address as a trusted proxy reports it, and ignores X-Forwarded-For without trustProxy', async () => {
    harness = await consoleHarness({ people, demoMode: false, trustProxy: ['127.0.0.1'] });
    const guesser = browser(harness, '203.0.113.7');
    await guesser.get('/console/session');
    for (let attempt = 0; attempt < 5; attempt++) expect((await guesser.signIn('frank', `guess-${attempt}`)).statusCode).toBe(401);
    const blocked = await guesser.signIn('frank', 'staple gun 42');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Frank himself, at another address behind the same proxy, is not locked out by the stranger.
    const frank = browser(harness, '198.51.100.20');
    await frank.get('/console/session');
    expect((await frank.signIn('frank', 'staple gun 42')).statusCode).toBe(200);
    await harness.close();

    // Not trusted: every request is the proxy's own address, so the header cannot dodge the count.
    harness = await consoleHarness({ people, demoMode: false });
    const spoofer = browser(harness);
    await spoofer.get('/console/session');
    for (let attempt = 0; attempt < 5; attempt++) {
      const forged = browser(harness, `203.0.113.${attempt + 10}`);
      await forged.get('/console/session');
      expect((await forged.signIn('frank', `guess-${attempt}`)).statusCode).toBe(401);
    }
    expect((await spoofer.signIn('frank', 'staple gun 42')).statusCode).toBe(429);
  });

  it('bounds all sign-ins from one address (each costs a scrypt), whoever they name', async () => {
    harness = await consoleHarness({ people, demoMode: false, signInLimits: { perAddress: 3 } });
    const client = browser(harness);
    await client.get('/console/session');
    expect((await client.signIn('erin', 'wrong one')).statusCode).toBe(401);
    expect((await client.signIn('frank', 'wrong two')).statusCode).toBe(401);
    expect((await client.signIn('nobody', 'wrong three')).statusCode).toBe(401);
    expect((await client.signIn('erin', 'correct horse battery')).statusCode).toBe(429);
  });

  it('clears the failure count of a pair on success', async () => {
    harness = await consoleHarness({ people, demoMode: false });
    const erin = browser(harness);
    await erin.get('/console/session');
    for (let attempt = 0; attempt < 4; attempt++) await erin.signIn('erin', `typo-${attempt}`);
    expect((await erin.signIn('erin', 'correct horse battery')).statusCode).toBe(200);
    for (let attempt = 0; attempt < 4; attempt++) expect((await erin.signIn('erin', `typo-again-${attempt}`)).statusCode).toBe(401);
    expect((await erin.signIn('erin', 'correct horse battery')).statusCode).toBe(200);
  });

  it('logs one line per sign-in success and failure with the person id, never a password; an unknown id is not logged', async () => {
    const logLines: Record<string, unknown>[] = [];
    harness = await consoleHarness({ people, demoMode: false, logLines });
    const client = browser(harness);
    await client.get('/console/session');
    await client.signIn('erin', 'not-erins-password');
    await client.signIn('hunter2-typed-as-id', 'whatever-1');
    await client.signIn('erin', 'correct horse battery');
    const signIns = logLines.filter((line) => String(line.msg).startsWith('web console sign-in'));
    expect(signIns.map(({ msg, personId, reason }) => ({ msg, personId, reason }))).toEqual([
      { msg: 'web console sign-in failed', personId: 'erin', reason: 'wrong_password' },
      { msg: 'web console sign-in failed', personId: null, reason: 'unknown_person' },
      { msg: 'web console sign-in', personId: 'erin', reason: undefined },
    ]);
    const everything = JSON.stringify(logLines);
    for (const secret of ['not-erins-password', 'correct horse battery', 'hunter2-typed-as-id', 'whatever-1']) expect(everything).not.toContain(secret);
  });

  it('stores only a hash of the session id: the stored value signs nobody in', async () => {
    harness = await consoleHarness({ people, demoMode: false });
    const erin = browser(harness);
    await erin.get('/console/session');
    expect((await erin.signIn('erin', 'correct horse battery')).statusCode).toBe(200);
    const id = erin.cookie.slice(erin.cookie.indexOf('=') + 1);
    const rows = await harness.database.handle.db
      .withTables<{ console_sessions: { id_hash: string; person_id: string } }>()
      .selectFrom('console_sessions')
      .select(['id_hash', 'person_id'])
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.person_id).toBe('erin');
    expect(rows[0]!.id_hash).not.toBe(id);
    expect(rows[0]!.id_hash).not.toContain(id);
    expect((await erin.get('/console/session')).json().person.id).toBe('erin');
    const stolen = await harness.app.inject({ method: 'GET', url: '/console/session', headers: { cookie: `awoooi_console=${rows[0]!.id_hash}` } });
    expect(stolen.json().person).toBeNull();
  });
});
