import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/cli/create-logger.ts';
import { collectOutput } from '../../support/collect-output.ts';

describe('createLogger', () => {
  it('writes JSON lines for machines, with secrets redacted', () => {
    const out = collectOutput();
    createLogger('info', { pretty: false, destination: out.stream }).info(
      { config: { webhook: { token: 'tok-0123456789abcdef' } }, incidentId: 'i-1' },
      'started',
    );
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'started', incidentId: 'i-1', config: { webhook: '[redacted]' } });
    expect(out.text()).not.toContain('tok-0123456789abcdef');
  });

  it('writes human-readable lines when a person watches, redacting the same secrets', () => {
    const out = collectOutput();
    createLogger('info', { pretty: true, destination: out.stream }).warn(
      { req: { headers: { authorization: 'Bearer s3cret-token' } }, proposalId: 'p-9' },
      'refused',
    );
    const text = out.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/WARN.*refused/);
    expect(text).toContain('proposalId: "p-9"');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('s3cret-token');
  });
});

describe('createLogger redacts secrets by their shape', () => {
  const telegramUrl = 'https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq/sendMessage';
  const githubToken = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
  const postgresUrl = 'postgres://awoooi:Sup3r-S3cret@db.internal:5432/awoooi';
  const secrets = ['AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq', githubToken, 'Sup3r-S3cret'];

  function httpClientError(): Error {
    const error = new Error(`request to ${telegramUrl} failed, reason: connect ECONNREFUSED (token ${githubToken}, db ${postgresUrl})`);
    Object.assign(error, { url: telegramUrl, options: { headers: { 'x-token': githubToken } } });
    error.cause = new Error(`fetch ${telegramUrl}`);
    return error;
  }

  it.each([false, true])('hides them in message, stack, cause and fields of a logged error (pretty: %s)', (human) => {
    const out = collectOutput();
    const error = httpClientError();
    const logger = createLogger('info', { pretty: human, destination: out.stream });
    logger.error({ err: error, incidentId: 'i-7' }, `send failed: ${telegramUrl}`);
    logger.error(error);
    logger.child({ database: postgresUrl }).warn({ endpoint: new URL(telegramUrl) }, 'retrying %s', githubToken);
    const text = out.text();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(text).toContain('api.telegram.org/bot[redacted]/sendMessage');
    expect(text).toContain('postgres://awoooi:[redacted]@db.internal:5432/awoooi');
    expect(text).toContain('i-7');
    // The caller's error is not changed by logging it.
    expect(error.message).toContain(githubToken);
  });

  it('keeps what is not a secret (IPs, ids, times) and logs JSON that still parses', () => {
    const out = collectOutput();
    createLogger('info', { pretty: false, destination: out.stream }).info(
      { peer: '10.1.2.3', at: '13:21:05', note: 'password="a \\" quote" and token=abc' },
      'multi\nline ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    );
    const line = JSON.parse(out.text()) as Record<string, string>;
    expect(line.peer).toBe('10.1.2.3');
    expect(line.at).toBe('13:21:05');
    expect(line.msg).toBe('multi\nline [redacted]');
    expect(out.text()).not.toContain('abc');
  });
});
