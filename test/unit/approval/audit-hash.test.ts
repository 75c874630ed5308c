import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditEntryHash, type AuditHashInput } from '../../../src/audit/audit-hash.ts';

const entry: AuditHashInput = {
  sequence: '7',
  at: new Date('2026-03-01T03:00:00.123Z'),
  kind: 'signature',
  actor: 'alice',
  incidentId: '11111111-1111-4111-8111-111111111111',
  proposalId: '22222222-2222-4222-8222-222222222222',
  details: { roles: ['sre'], platform: 'slack' },
};

describe('auditEntryHash', () => {
  it('is a sha256 hex digest, stable across key order', () => {
    const hash = auditEntryHash(GENESIS_HASH, entry);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(auditEntryHash(GENESIS_HASH, { ...entry, details: { platform: 'slack', roles: ['sre'] } })).toBe(hash);
  });

  it.each([
    ['sequence', { sequence: '8' }],
    ['at', { at: new Date('2026-03-01T03:00:00.124Z') }],
    ['kind', { kind: 'rejection' }],
    ['actor', { actor: 'mallory' }],
    ['incidentId', { incidentId: null }],
    ['proposalId', { proposalId: null }],
    ['details', { details: { roles: ['cto'], platform: 'slack' } }],
  ])('changes when %s changes', (_field, change) => {
    expect(auditEntryHash(GENESIS_HASH, { ...entry, ...change })).not.toBe(auditEntryHash(GENESIS_HASH, entry));
  });

  it('depends on the previous hash, which chains the entries', () => {
    expect(auditEntryHash('f'.repeat(64), entry)).not.toBe(auditEntryHash(GENESIS_HASH, entry));
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});
