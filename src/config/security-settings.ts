import { isIP } from 'node:net';
import { z } from 'zod';
import { passwordHashProblem } from '../domain/password-hash.ts';

/**
 * `approvals.people[].password`: a scrypt hash, never the password itself. The message never repeats the
 * value (it may be someone's real password).
 */
export const passwordHashSetting = z.string().superRefine((value, context) => {
  const problem = passwordHashProblem(value);
  if (problem === null) return;
  const plaintext = !value.startsWith('scrypt$');
  context.addIssue({
    code: 'custom',
    message: plaintext
      ? 'must be a password hash, not the password: run `npx awoooi hash-password` and put its output here'
      : `${problem}; run \`npx awoooi hash-password\` for a new one`,
  });
});

const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR block (`10.0.0.0/8`, `fd00::/8`) or one of proxy-addr's names (loopback, linklocal, uniquelocal). */
function isProxyAddress(entry: string): boolean {
  if (proxyNames.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * `server.trustProxy`, passed to Fastify: false (default: the peer is the client), true (believe every
 * X-Forwarded-* hop: then whoever reaches the bot directly chooses its request.ip), or the proxies'
 * addresses/CIDRs (the right choice: the client is the first address from the right that is not a proxy).
 * A hop count is refused: Fastify (>= 5.12.1) ignores it, because a count cannot tell a proxy from a client
 * that writes its own X-Forwarded-For. From the environment: "true" or "10.0.0.0/8, 127.0.0.1".
 */
export const trustProxySetting = z.preprocess(
  (value) => {
    if (typeof value === 'number') return [String(value)];
    if (typeof value !== 'string') return value;
    const text = value.trim();
    if (text === 'true' || text === 'false') return text === 'true';
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  },
  z.union([
    z.boolean(),
    z
      .array(z.string())
      .min(1)
      .superRefine((entries, context) => {
        if (entries.some((entry) => /^\d+$/.test(entry))) {
          context.addIssue({
            code: 'custom',
            message:
              'a hop count is not accepted (Fastify ignores it: it cannot tell a proxy from a client); give the proxies\' addresses or CIDRs, e.g. "10.0.0.0/8"',
          });
        } else if (!entries.every(isProxyAddress)) {
          context.addIssue({
            code: 'custom',
            message: 'give true, or proxy addresses/CIDRs (e.g. "10.0.0.0/8, 127.0.0.1", or loopback, linklocal, uniquelocal)',
          });
        }
      }),
  ]),
);

/** `server.publicUrl`: the origin people open (`https://awoooi.example.com`); https there makes cookies Secure. */
export const publicUrlSetting = z
  .string()
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname === '/' && !url.search && !url.hash && !url.username;
    } catch {
      return false;
    }
  }, 'must be an http(s) origin such as https://awoooi.example.com (no path)')
  .transform((text) => new URL(text).origin);

/** `server.demo` (AWOOOI_DEMO): "true" opens the demo defaults to the network on purpose. */
export const demoSetting = z.union([z.boolean(), z.stringbool()]);
