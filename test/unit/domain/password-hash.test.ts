import { describe, expect, it } from 'vitest';
import { hashPassword, passwordHashProblem, verifyPassword } from '../../../src/domain/password-hash.ts';

const cheap = { N: 1024, r: 8, p: 1 };

describe('password hashes (scrypt, self-describing)', () => {
  it('hashes to scrypt$N$r$p$salt$hash with a fresh salt, and verifies only the same password', async () => {
    const hash = await hashPassword('correct horse battery', cheap);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain('correct');
    expect(await hashPassword('correct horse battery', cheap)).not.toBe(hash);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('uses the OWASP-strength default cost', async () => {
    expect(await hashPassword('correct horse battery')).toMatch(/^scrypt\$32768\$8\$3\$/);
  });

  it('never matches a missing, plaintext or tampered hash', async () => {
    const hash = await hashPassword('correct horse battery', cheap);
    expect(await verifyPassword(undefined, 'correct horse battery')).toBe(false);
    expect(await verifyPassword('correct horse battery', 'correct horse battery')).toBe(false);
    const flipped = hash.slice(0, -2) + (hash.endsWith('A') ? 'B' : 'A') + hash.slice(-1);
    expect(await verifyPassword(flipped, 'correct horse battery')).toBe(false);
  });

  it('says why a value is not a usable hash', () => {
    expect(passwordHashProblem('hunter22')).toMatch(/not a password hash/);
    expect(passwordHashProblem('scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toMatch(/power of two/);
    expect(passwordHashProblem('scrypt$1048576$32$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toMatch(/1 GiB/);
    expect(passwordHashProblem('scrypt$1024$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toMatch(/salt/);
    expect(passwordHashProblem('scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  });
});
