import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N (CPU and memory, a power of two), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's "N=2^15, r=8, p=3" row: 32 MiB of memory per hash (the same as N=2^17, p=1 costs in CPU, at a
 * quarter of the memory, so that a few sign-ins at once do not crowd a small container).
 */
export const defaultScryptCost: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };

const hashPattern = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;
const keyBytes = 32;

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

/**
 * Parses `scrypt$N$r$p$salt$key` (salt and key base64url). Costs are bounded both ways: too cheap is no
 * protection, too dear lets one configured hash exhaust memory at every sign-in.
 */
function parse(text: string): ParsedHash | string {
  const match = hashPattern.exec(text);
  if (!match) return 'not a password hash of the form scrypt$N$r$p$salt$hash';
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!Number.isSafeInteger(N) || N < 2 ** 10 || N > 2 ** 20 || (N & (N - 1)) !== 0) return 'scrypt N must be a power of two from 1024 to 1048576';
  if (r < 1 || r > 32 || p < 1 || p > 16) return 'scrypt r must be 1..32 and p 1..16';
  if (128 * N * r > 1024 ** 3) return 'scrypt N × r needs over 1 GiB of memory';
  const salt = Buffer.from(match[4]!, 'base64url');
  const key = Buffer.from(match[5]!, 'base64url');
  if (salt.length < 16) return 'the salt must be at least 16 bytes';
  if (key.length < 32 || key.length > 64) return 'the hash must be 32 to 64 bytes';
  return { cost: { N, r, p }, salt, key };
}

/** Why `text` is not a usable password hash, or null when it is. */
export function passwordHashProblem(text: string): string | null {
  const parsed = parse(text);
  return typeof parsed === 'string' ? parsed : null;
}

function derive(password: string, salt: Buffer, length: number, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A self-describing scrypt hash of `password`, for `approvals.people[].password`. */
export async function hashPassword(password: string, cost: ScryptCost = defaultScryptCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, keyBytes, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

// A random key nobody can hit: a person without a hash (or no such person) costs the same scrypt.
const standIn: ParsedHash = { cost: defaultScryptCost, salt: randomBytes(16), key: randomBytes(keyBytes) };

/**
 * Whether `password` matches `hash`, compared in constant time. A missing or unusable hash never matches,
 * after the same work as a real check, so that timing does not tell which person ids exist.
 */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const parsed = parse(hash ?? '');
  const usable = typeof parsed !== 'string';
  const target = usable ? parsed : standIn;
  const key = await derive(password, target.salt, target.key.length, target.cost);
  return timingSafeEqual(key, target.key) && usable;
}
