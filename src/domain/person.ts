import type { Role } from './risk.ts';

/** Chat surfaces a click can come from. */
export const platforms = ['web', 'slack', 'discord', 'telegram'] as const;
export type Platform = (typeof platforms)[number];

/**
 * A person who may decide on proposals. A signature belongs to the person, not to a chat account: one person
 * has at most one account per platform, and signs once whichever chat they use.
 */
export interface Person {
  /** Stable id, lowercase; what signatures and the audit log name. */
  id: string;
  name: string;
  roles: readonly Role[];
  /** Chat account per platform; the web console account defaults to the id. */
  accounts: Partial<Record<Platform, string>>;
}
