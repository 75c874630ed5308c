import type { Person, Platform } from '../domain/person.ts';
import type { Role } from '../domain/risk.ts';

/**
 * The person behind a chat account: one person, many accounts (Slack, Discord, Telegram, web console).
 * Undefined when no one, or more than one person, claims the account: guessing between two people
 * would let one sign as the other.
 */
export function resolvePerson(people: readonly Person[], platform: Platform, accountId: string): Person | undefined {
  const matches = people.filter((person) => accountMatches(accountOf(person, platform), accountId));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Whether a configured account names the clicking one. Chat adapters send workspace-qualified accounts
 * (`T123:U456` on Slack); a configured account names the same or, without a workspace (`U456`), the user of
 * that id in the workspace the card lives in (the adapter refuses clicks from any other workspace first).
 */
export function accountMatches(configured: string | undefined, accountId: string): boolean {
  if (configured === undefined) return false;
  if (configured === accountId) return true;
  const separator = accountId.lastIndexOf(':');
  return !configured.includes(':') && separator > 0 && accountId.slice(separator + 1) === configured;
}

/** A person's account on a platform; on the web console it is their id unless configured otherwise. */
export function accountOf(person: Person, platform: Platform): string | undefined {
  return platform === 'web' ? (person.accounts.web ?? person.id) : person.accounts[platform];
}

/** Roles a person holds in the current configuration; none when they are no longer configured. */
export function rolesOf(people: readonly Person[], personId: string): readonly Role[] {
  return people.find((person) => person.id === personId)?.roles ?? [];
}
