import type { PersonConfig } from '../../src/config/config-schema.ts';

/**
 * The people of the embedded demo (no people configured): one per signing role, so every row of the risk
 * matrix can be tried from the web console. They have no password; the console signs them in with one click
 * and shows a DEMO banner while they exist, which start-up allows only on a loopback listener unless
 * AWOOOI_DEMO=true (ADR 0004).
 */
export const demoPeople: PersonConfig[] = [
  { id: 'alice', name: 'Alice', roles: ['sre'], accounts: { web: 'alice' } },
  { id: 'bob', name: 'Bob', roles: ['devops'], accounts: { web: 'bob' } },
  { id: 'carol', name: 'Carol', roles: ['cto'], accounts: { web: 'carol' } },
  { id: 'dave', name: 'Dave', roles: ['ciso'], accounts: { web: 'dave' } },
];
