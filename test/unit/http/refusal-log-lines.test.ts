import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../src/http/create-http-server.ts';
import { captureLog } from '../../support/capture-log.ts';

describe('the HTTP server logs every refusal with its reason', () => {
  it('one line per 400, 413 and 404, naming the route and the reason, never the query string', async () => {
    const { log, lines } = captureLog();
    const app = createHttpServer({ bodyLimitBytes: 1024, logger: log });
    app.post('/api/v1/alerts', async () => ({ ok: true }));
    await app.ready();
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/alerts?token=secret-in-query',
      payload: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    const big = await app.inject({ method: 'POST', url: '/api/v1/alerts', payload: 'x'.repeat(4096), headers: { 'content-type': 'application/json' } });
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    expect([bad.statusCode, big.statusCode, missing.statusCode]).toEqual([400, 413, 404]);
    const refusals = lines.filter((line) => String(line['msg']).startsWith('request refused'));
    expect(refusals).toEqual([
      expect.objectContaining({ msg: 'request refused: 400', route: '/api/v1/alerts', status: 400, reason: 'body is not valid JSON' }),
      expect.objectContaining({ msg: 'request refused: body too large', route: '/api/v1/alerts', status: 413, limit: 1024 }),
      expect.objectContaining({ msg: 'request refused: no such route', status: 404 }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-in-query');
    await app.close();
  });

  it('answers 503 with Retry-After, not 500, when any route finds the database away (a session lookup, the cards)', async () => {
    const { log, lines } = captureLog();
    const app = createHttpServer({ bodyLimitBytes: 1024, logger: log });
    app.addHook('onRequest', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    app.get('/console/cards', async () => []);
    await app.ready();
    const answer = await app.inject({ method: 'GET', url: '/console/cards' });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).not.toContain('ECONNREFUSED');
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request refused: storage unavailable', status: 503, route: '/console/cards' }));
    await app.close();
  });
});
