import { afterEach, describe, expect, it } from 'vitest';
import { demoPeople } from '../../../adapters/webconsole/demo-people.ts';
import type { PersonConfig } from '../../../src/config/config-schema.ts';
import { hashPassword } from '../../../src/domain/password-hash.ts';
import { consoleBrowser as browser, consoleHarness, hostileTitle, sampleCard, type ConsoleHarness } from './console-fixtures.ts';

// Cheap hashes keep the suite fast; the format carries its cost, so verification is the production code path.
const testCost = { N: 1024, r: 8, p: 1 };
const realPeople: PersonConfig[] = [
  { id: 'erin', name: 'Erin', roles: ['sre'], accounts: { web: 'erin-web' }, password: await hashPassword('correct horse battery', testCost) },
  { id: 'frank', name: 'Frank', roles: ['devops'], accounts: {}, password: await hashPassword('staple gun 42', testCost) },
  { id: 'gina', name: 'Gina', roles: ['admin'], accounts: {} },
];

/** A Set-Cookie header as its name and its attributes (order does not matter). */
function attributes(header: string) {
  const [pair = '', ...flags] = header.split(/;\s*/);
  return { name: pair.slice(0, pair.indexOf('=')), flags: new Set(flags) };
}

describe('web console routes', () => {
  let harness: ConsoleHarness;
  afterEach(async () => harness?.close());

  it('serves the page with a strict CSP, nosniff, no framing, no inline script, and an HttpOnly SameSite=Strict cookie', async () => {
    harness = await consoleHarness();
    const response = await harness.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.body.match(/<script[^>]*>/g)).toEqual(['<script type="module" src="/console/static/console.js">']);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^awoooi_console=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure');
    for (const name of ['console.js', 'dom.js', 'render-card.js']) {
      const script = await harness.app.inject({ method: 'GET', url: `/console/static/${name}` });
      expect(script.headers['content-type']).toContain('text/javascript');
      expect(script.body).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|eval\(|new Function/);
    }
    expect((await harness.app.inject({ method: 'GET', url: '/console/static/..%2Fregister-web-console.ts' })).statusCode).toBe(404);
  });

  it('marks the cookie Secure with the __Host- prefix when the public URL is https, also after sign-in', async () => {
    harness = await consoleHarness({ people: demoPeople, publicUrl: 'https://awoooi.example.com' });
    const client = browser(harness);
    const first = attributes(String((await client.get('/console/session')).headers['set-cookie']));
    expect(first.name).toBe('__Host-awoooi_console');
    expect(first.flags).toEqual(new Set(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure']));
    expect(client.cookie).toMatch(/^__Host-awoooi_console=/);
    const signedIn = await client.post('/console/sign-in', { personId: 'alice' }, { origin: 'https://awoooi.example.com' });
    expect(signedIn.statusCode).toBe(200);
    const after = attributes(String(signedIn.headers['set-cookie']));
    expect(after.name).toBe('__Host-awoooi_console');
    expect(after.flags).toEqual(new Set(['Max-Age=43200', 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure']));
    // HSTS only once the public URL is https.
    expect(String(signedIn.headers['strict-transport-security'])).toMatch(/max-age=31536000/);
  });

  it('sees https behind a proxy only with trustProxy: X-Forwarded-Proto makes the cookie Secure when the proxy is trusted', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };
    harness = await consoleHarness({ people: demoPeople, trustProxy: ['127.0.0.1'] });
    const trusted = await harness.app.inject({ method: 'GET', url: '/console/session', headers: forwarded });
    expect(attributes(String(trusted.headers['set-cookie'])).name).toBe('__Host-awoooi_console');
    expect(attributes(String(trusted.headers['set-cookie'])).flags.has('Secure')).toBe(true);
    await harness.close();

    harness = await consoleHarness({ people: demoPeople });
    const untrusted = await harness.app.inject({ method: 'GET', url: '/console/session', headers: forwarded });
    expect(attributes(String(untrusted.headers['set-cookie'])).name).toBe('awoooi_console');
    expect(attributes(String(untrusted.headers['set-cookie'])).flags.has('Secure')).toBe(false);
    expect(untrusted.headers['strict-transport-security']).toBeUndefined();
  });

  it('shows the DEMO banner and the demo people only in demo mode', async () => {
    harness = await consoleHarness({ people: demoPeople, demoMode: true });
    expect((await harness.app.inject({ method: 'GET', url: '/' })).body).toContain('id="demo-banner"');
    const session = (await harness.app.inject({ method: 'GET', url: '/console/session' })).json();
    expect(session.demoPeople.map((person: { id: string }) => person.id)).toEqual(['alice', 'bob', 'carol', 'dave']);
    await harness.close();

    harness = await consoleHarness({ people: realPeople, demoMode: false });
    expect((await harness.app.inject({ method: 'GET', url: '/' })).body).not.toContain('demo-banner');
    const real = (await harness.app.inject({ method: 'GET', url: '/console/session' })).json();
    expect(real).toMatchObject({ demo: false, person: null, demoPeople: [] });
    expect(JSON.stringify(real)).not.toContain('erin');
  });

  it('refuses a click without a session (401), with a bad or missing CSRF token (403), cross-origin (403) and as a form (415)', async () => {
    harness = await consoleHarness({ people: demoPeople });
    const anonymous = browser(harness);
    await anonymous.get('/console/session');
    expect((await anonymous.post('/console/click', { proposalId: 'prop-1', decision: 'approve' })).statusCode).toBe(401);

    const client = browser(harness);
    await client.get('/console/session');
    await client.post('/console/sign-in', { personId: 'alice' });
    expect((await client.post('/console/click', { proposalId: 'prop-1', decision: 'approve' }, { 'x-csrf-token': 'x'.repeat(43) })).statusCode).toBe(403);
    expect((await client.post('/console/click', { proposalId: 'prop-1', decision: 'approve' }, { 'x-csrf-token': '' })).statusCode).toBe(403);
    // A token from another browser's session is no good either.
    expect((await client.post('/console/click', { proposalId: 'prop-1', decision: 'approve' }, { 'x-csrf-token': anonymous.csrf })).statusCode).toBe(403);
    expect((await client.post('/console/click', { proposalId: 'prop-1', decision: 'approve' }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await client.post('/console/click', { proposalId: 'prop-1', decision: 'approve' }, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect(
      (await client.post('/console/click', { proposalId: 'prop-1', decision: 'approve' }, { 'content-type': 'application/x-www-form-urlencoded' })).statusCode,
    ).toBe(415);
    expect(harness.clicks).toEqual([]);

    const accepted = await client.post('/console/click', { proposalId: 'prop-1', decision: 'approve' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ ok: true, state: 'PENDING', message: 'Signed: 1 more signature needed.' });
    expect(harness.clicks).toEqual([{ platform: 'web', accountId: 'alice', proposalId: 'prop-1', decision: 'approve' }]);
  });

  it('CSRF-protects sign-in and sign-out, rotates the id at sign-in and forgets the session at sign-out', async () => {
    harness = await consoleHarness({ people: demoPeople });
    const client = browser(harness);
    await client.get('/console/session');
    const anonymousCookie = client.cookie;
    expect((await client.post('/console/sign-in', { personId: 'alice' }, { 'x-csrf-token': 'nope' })).statusCode).toBe(403);
    expect((await client.post('/console/sign-in', { personId: 'mallory' })).statusCode).toBe(401);
    const signedIn = await client.post('/console/sign-in', { personId: 'bob' });
    expect(signedIn.json()).toMatchObject({ ok: true, person: { id: 'bob', roles: ['devops'] } });
    expect(client.cookie).not.toBe(anonymousCookie);
    const sessionCookie = client.cookie;
    const staleCsrf = client.csrf;

    expect((await client.post('/console/sign-out', {}, { 'x-csrf-token': 'nope' })).statusCode).toBe(403);
    expect((await client.post('/console/sign-out', {})).statusCode).toBe(200);
    const replay = await harness.app.inject({
      method: 'POST',
      url: '/console/click',
      payload: JSON.stringify({ proposalId: 'prop-1', decision: 'approve' }),
      headers: { 'content-type': 'application/json', cookie: sessionCookie, 'x-csrf-token': staleCsrf },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('signs real people in with id and password (constant-time), maps them to their web account, and throttles guessing', async () => {
    harness = await consoleHarness({ people: realPeople, demoMode: false });
    const client = browser(harness);
    await client.get('/console/session');
    expect((await client.get('/console/cards')).statusCode).toBe(401);
    expect((await client.get('/console/events')).statusCode).toBe(401);
    expect((await client.post('/console/sign-in', { personId: 'erin' })).statusCode).toBe(401);
    expect((await client.post('/console/sign-in', { personId: 'erin', password: 'wrong password' })).statusCode).toBe(401);
    expect((await client.post('/console/sign-in', { personId: 'gina', password: 'anything at all' })).statusCode).toBe(401);
    expect((await client.post('/console/sign-in', { personId: 'erin', password: 'correct horse battery' })).statusCode).toBe(200);
    expect((await client.get('/console/cards')).statusCode).toBe(200);
    await client.post('/console/click', { proposalId: 'prop-1', decision: 'reject' });

    const other = browser(harness);
    await other.get('/console/session');
    await other.post('/console/sign-in', { personId: 'frank', password: 'staple gun 42' });
    await other.post('/console/click', { proposalId: 'prop-1', decision: 'approve' });
    expect(harness.clicks.map((click) => click.accountId)).toEqual(['erin-web', 'frank']);

    const guesser = browser(harness);
    await guesser.get('/console/session');
    for (let attempt = 0; attempt < 5; attempt++)
      expect((await guesser.post('/console/sign-in', { personId: 'frank', password: `guess-${attempt}` })).statusCode).toBe(401);
    expect((await guesser.post('/console/sign-in', { personId: 'frank', password: 'staple gun 42' })).statusCode).toBe(429);
  });

  it("refuses a click when the person-id fallback would name someone else's web account", async () => {
    // Frank has no web account; if someone else claimed "frank" as theirs, Frank must not click as them.
    harness = await consoleHarness({ people: [...realPeople, { id: 'hal', name: 'Hal', roles: ['cto'], accounts: { web: 'frank' } }], demoMode: false });
    const frank = browser(harness);
    await frank.get('/console/session');
    await frank.post('/console/sign-in', { personId: 'frank', password: 'staple gun 42' });
    const ambiguous = await frank.post('/console/click', { proposalId: 'prop-1', decision: 'approve' });
    expect(ambiguous.statusCode).toBe(409);
    expect(harness.clicks).toEqual([]);
  });

  it('never lets hostile card text become markup: escaped JSON, nothing of it in the HTML', async () => {
    const hostile = sampleCard({ title: hostileTitle, services: ['</script><script>alert(1)</script>'] }, { outcome: '<svg onload=alert(1)>' });
    harness = await consoleHarness({ people: demoPeople, cards: () => [hostile] });
    const cards = await harness.app.inject({ method: 'GET', url: '/console/cards' });
    expect(cards.headers['content-type']).toContain('application/json');
    expect(cards.headers['x-content-type-options']).toBe('nosniff');
    expect(cards.body).not.toMatch(/<img|<script|<svg|<\//i);
    expect(cards.json().cards[0].title).toBe(hostileTitle);
    expect(cards.json().cards[0].proposal.outcome).toBe('<svg onload=alert(1)>');
    expect((await harness.app.inject({ method: 'GET', url: '/' })).body).not.toContain('onerror');
  });

  it('answers without internals when the core fails', async () => {
    harness = await consoleHarness({
      people: demoPeople,
      listCards: async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.7:5432 at Pool.connect (/app/node_modules/pg-pool/index.js:45)');
      },
      handleClick: async () => {
        throw new Error('boom at handleClick (/app/src/approval/handle-click.ts:12:3)');
      },
    });
    const cards = await harness.app.inject({ method: 'GET', url: '/console/cards' });
    expect(cards.statusCode).toBe(503);
    expect(cards.body).not.toMatch(/ECONNREFUSED|node_modules|at /);
    const client = browser(harness);
    await client.get('/console/session');
    await client.post('/console/sign-in', { personId: 'carol' });
    const click = await client.post('/console/click', { proposalId: 'prop-1', decision: 'approve' });
    expect(click.statusCode).toBe(500);
    expect(click.json().error.code).toBe('internal_error');
    expect(click.body).not.toMatch(/boom|handle-click|\.ts/);
  });

  it('streams incident-updated events and closes open streams when the server closes', async () => {
    harness = await consoleHarness({ people: demoPeople });
    const address = await harness.app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${address}/console/events`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = decoder.decode((await reader.read()).value);
    await harness.events.publish({ type: 'incident-updated', incidentId: 'abc-123' });
    while (!received.includes('incident-updated')) received += decoder.decode((await reader.read()).value);
    expect(received).toContain('event: incident-updated\ndata: {"incidentId":"abc-123"}\n\n');
    await harness.app.close();
    expect((await reader.read()).done).toBe(true);
  });
});
