import type { PersonConfig } from '../config/config-schema.ts';
import type { Role } from './risk.ts';

/** Chat surfaces a click can come from. */
export const platforms = ['web', 'slack', 'discord', 'telegram'] as const;
export type Platform = (typeof platforms)[number];

/**
 * The person behind a chat account: one person, many accounts (Slack, Discord, Telegram, web console).
 * Undefined when no one, or more than one person, claims the account: guessing between two people
 * would let one sign as the other.
 */
export function resolvePerson(people: readonly PersonConfig[], platform: Platform, accountId: string): PersonConfig | undefined {
  const matches = people.filter((person) => person.accounts[platform] === accountId);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Roles a person holds in the current configuration; none when they are no longer configured. */
export function rolesOf(people: readonly PersonConfig[], personId: string): readonly Role[] {
  return people.find((person) => person.id === personId)?.roles ?? [];
}
