import type { Person, Platform } from '../domain/person.ts';
import type { Role } from '../domain/risk.ts';

/**
 * The person behind a chat account: one person, many accounts (Slack, Discord, Telegram, web console).
 * Undefined when no one, or more than one person, claims the account: guessing between two people
 * would let one sign as the other.
 */
export function resolvePerson(people: readonly Person[], platform: Platform, accountId: string): Person | undefined {
  const matches = people.filter((person) => accountOf(person, platform) === accountId);
  return matches.length === 1 ? matches[0] : undefined;
}

/** A person's account on a platform; on the web console it is their id unless configured otherwise. */
export function accountOf(person: Person, platform: Platform): string | undefined {
  return platform === 'web' ? (person.accounts.web ?? person.id) : person.accounts[platform];
}

/** Roles a person holds in the current configuration; none when they are no longer configured. */
export function rolesOf(people: readonly Person[], personId: string): readonly Role[] {
  return people.find((person) => person.id === personId)?.roles ?? [];
}
