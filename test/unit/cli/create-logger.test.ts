import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/cli/create-logger.ts';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('writes JSON lines for machines, with secrets redacted', () => {
    const out = capture();
    createLogger('info', { pretty: false, destination: out.stream }).info(
      { config: { webhook: { token: 'tok-0123456789abcdef' } }, incidentId: 'i-1' },
      'started',
    );
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'started', incidentId: 'i-1', config: { webhook: '[redacted]' } });
    expect(out.text()).not.toContain('tok-0123456789abcdef');
  });

  it('writes human-readable lines when a person watches, redacting the same secrets', () => {
    const out = capture();
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
