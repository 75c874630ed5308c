import { describe, expect, it } from 'vitest';
import { resolvePerson, rolesOf } from '../../../src/approval/resolve-person.ts';
import type { Person } from '../../../src/domain/person.ts';

const people: Person[] = [
  { id: 'alice', name: 'Alice', roles: ['sre'], accounts: { slack: 'U1', telegram: '42', web: 'alice' } },
  { id: 'bob', name: 'Bob', roles: ['devops', 'cto'], accounts: { slack: 'U2', discord: '42' } },
  { id: 'eve', name: 'Eve', roles: ['viewer'], accounts: { slack: 'U3' } },
  { id: 'dup', name: 'Dup', roles: ['admin'], accounts: { slack: 'U3' } },
];

describe('resolvePerson', () => {
  it('finds one person behind several accounts', () => {
    expect(resolvePerson(people, 'slack', 'U1')?.id).toBe('alice');
    expect(resolvePerson(people, 'telegram', '42')?.id).toBe('alice');
    expect(resolvePerson(people, 'web', 'alice')?.id).toBe('alice');
  });

  it('takes the person id as the web account when none is configured', () => {
    expect(resolvePerson(people, 'web', 'bob')?.id).toBe('bob');
    expect(resolvePerson(people, 'web', 'U2')).toBeUndefined();
  });

  it('matches the account on its own platform only', () => {
    expect(resolvePerson(people, 'discord', '42')?.id).toBe('bob');
    expect(resolvePerson(people, 'discord', 'U1')).toBeUndefined();
  });

  it('refuses unknown accounts and accounts claimed by two people', () => {
    expect(resolvePerson(people, 'slack', 'U9')).toBeUndefined();
    expect(resolvePerson(people, 'slack', 'U3')).toBeUndefined();
  });
});

describe('rolesOf', () => {
  it('gives the current roles, none for someone no longer configured', () => {
    expect(rolesOf(people, 'bob')).toEqual(['devops', 'cto']);
    expect(rolesOf(people, 'gone')).toEqual([]);
  });
});
