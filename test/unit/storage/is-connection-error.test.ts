import { describe, expect, it } from 'vitest';
import { connectionErrorReason, isConnectionError } from '../../../src/storage/is-connection-error.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isConnectionError', () => {
  it('knows what a restart, a failover or pg_terminate_backend look like from the pg driver', () => {
    for (const code of ['57P01', '57P02', '57P03', '53300', '08006', '25006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']) {
      expect(isConnectionError(withCode(code)), code).toBe(true);
    }
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'Client has encountered a connection error and is not queryable',
      'timeout exceeded when trying to connect',
    ]) {
      expect(isConnectionError(new Error(message)), message).toBe(true);
    }
  });

  it('looks inside AggregateError (every address refused) and error causes', () => {
    expect(isConnectionError(new AggregateError([withCode('ECONNREFUSED')], 'connect failed'))).toBe(true);
    expect(isConnectionError(new Error('query failed', { cause: withCode('57P01') }))).toBe(true);
  });

  it('leaves bugs and bad data alone: those are not outages', () => {
    for (const error of [
      withCode('42601', 'syntax error'),
      withCode('23505', 'duplicate key'),
      withCode('22P05'),
      new TypeError('x is undefined'),
      null,
      'text',
    ]) {
      expect(isConnectionError(error)).toBe(false);
    }
  });

  it('gives a short reason for a log line', () => {
    expect(connectionErrorReason(withCode('57P01', 'terminating connection due to administrator command'))).toBe('57P01');
    expect(connectionErrorReason(new Error('Connection terminated unexpectedly'))).toBe('Connection terminated unexpectedly');
  });
});
