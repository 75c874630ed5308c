import { describe, expect, it } from 'vitest';
import { accountMatches, resolvePerson } from '../../../src/approval/resolve-person.ts';
import type { Person } from '../../../src/domain/person.ts';

const people: Person[] = [
  { id: 'alice', name: 'Alice', roles: ['sre'], accounts: { slack: 'T123:U456' } },
  { id: 'bob', name: 'Bob', roles: ['devops'], accounts: { slack: 'U789' } },
];

describe('chat accounts of people', () => {
  it('maps a workspace-qualified Slack account to its person', () => {
    expect(resolvePerson(people, 'slack', 'T123:U456')?.id).toBe('alice');
  });

  it('refuses the same user id from another workspace when the account names its workspace', () => {
    expect(resolvePerson(people, 'slack', 'T999:U456')).toBeUndefined();
  });

  it('lets a bare user id name the user in the card workspace (the adapter refuses other workspaces first)', () => {
    expect(resolvePerson(people, 'slack', 'T123:U789')?.id).toBe('bob');
    expect(resolvePerson(people, 'slack', 'U789')?.id).toBe('bob');
  });

  it('refuses unknown accounts and partial matches', () => {
    expect(resolvePerson(people, 'slack', 'T123:U000')).toBeUndefined();
    expect(resolvePerson(people, 'slack', 'T123:U7890')).toBeUndefined();
    expect(resolvePerson(people, 'slack', 'U456')).toBeUndefined();
    expect(resolvePerson(people, 'discord', 'T123:U456')).toBeUndefined();
    expect(accountMatches(undefined, 'T1:U1')).toBe(false);
    expect(accountMatches('T1:U1', 'U1')).toBe(false);
  });

  it('refuses an account two people claim in different forms', () => {
    const ambiguous: Person[] = [...people, { id: 'eve', name: 'Eve', roles: ['admin'], accounts: { slack: 'U456' } }];
    expect(resolvePerson(ambiguous, 'slack', 'T123:U456')).toBeUndefined();
  });
});
