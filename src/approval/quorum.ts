import type { Risk, Role } from '../domain/risk.ts';

const operators: readonly Role[] = ['admin', 'devops', 'sre'];
const signingRoles: readonly Role[] = ['admin', 'devops', 'sre', 'cto', 'ciso'];

/** What a risk level asks for, in words for the card. */
export interface RequiredSignatures {
  count: number;
  rolesText: string;
}

export function requiredSignatures(risk: Risk): RequiredSignatures {
  switch (risk) {
    case 'LOW':
      return { count: 0, rolesText: 'none (runs after a passing dry-run)' };
    case 'MEDIUM':
      return { count: 1, rolesText: 'admin, devops or sre' };
    case 'HIGH':
      return { count: 2, rolesText: 'admin, devops or sre, two different people' };
    case 'CRITICAL':
      return { count: 2, rolesText: 'cto and ciso, two different people' };
  }
}

/** A signature as quorum sees it: a person (not a chat account) with the roles they hold now. */
export interface QuorumSignature {
  personId: string;
  roles: readonly Role[];
}

export interface QuorumInput {
  risk: Risk;
  /** Who asked for the action (slash command); null when the bot proposed it. */
  requesterPersonId: string | null;
  signatures: readonly QuorumSignature[];
}

export interface QuorumResult {
  met: boolean;
  /** Person ids whose signatures count, in signing order. */
  counted: string[];
  /** What is still needed, for humans; empty when met. */
  missing: string;
}

function holdsAny(roles: readonly Role[], wanted: readonly Role[]): boolean {
  return roles.some((role) => wanted.includes(role));
}

/** Whether someone holding `roles` may sign a proposal of this risk. */
export function canSign(risk: Risk, roles: readonly Role[]): boolean {
  switch (risk) {
    case 'LOW':
      return holdsAny(roles, signingRoles);
    case 'MEDIUM':
    case 'HIGH':
      return holdsAny(roles, operators);
    case 'CRITICAL':
      return holdsAny(roles, ['cto', 'ciso']);
  }
}

/** Anyone eligible to sign a risk level may also reject it. */
export function canReject(risk: Risk, roles: readonly Role[]): boolean {
  return canSign(risk, roles);
}

/** One entry per person, in first-signed order; a person seen twice keeps the union of roles given. */
function distinctPeople(signatures: readonly QuorumSignature[]): QuorumSignature[] {
  const byPerson = new Map<string, Set<Role>>();
  for (const signature of signatures) {
    const roles = byPerson.get(signature.personId) ?? new Set<Role>();
    for (const role of signature.roles) roles.add(role);
    byPerson.set(signature.personId, roles);
  }
  return [...byPerson].map(([personId, roles]) => ({ personId, roles: [...roles] }));
}

function plural(count: number): string {
  return count === 1 ? '1 more signature' : `${count} more signatures`;
}

/**
 * Whether the signatures meet the risk matrix of DESIGN.md §2. Call it again at execution with the
 * signers' current roles: a signer who lost an eligible role no longer counts.
 */
export function evaluateQuorum(input: QuorumInput): QuorumResult {
  const { risk, requesterPersonId } = input;
  const people = distinctPeople(input.signatures).filter(
    // Four eyes: the requester cannot approve their own request, except where nobody has to.
    (person) => risk === 'LOW' || person.personId !== requesterPersonId,
  );
  const eligible = people.filter((person) => canSign(risk, person.roles));

  if (risk === 'LOW') return { met: true, counted: eligible.map((person) => person.personId), missing: '' };
  if (risk === 'CRITICAL') return evaluateCritical(eligible);

  const needed = requiredSignatures(risk).count;
  const counted = eligible.map((person) => person.personId);
  if (counted.length >= needed) return { met: true, counted, missing: '' };
  return { met: false, counted, missing: `${plural(needed - counted.length)} from admin, devops or sre` };
}

/** CTO and CISO must be two different people: one person holding both roles covers only one seat. */
function evaluateCritical(eligible: readonly QuorumSignature[]): QuorumResult {
  const ctos = eligible.filter((person) => person.roles.includes('cto'));
  const cisos = eligible.filter((person) => person.roles.includes('ciso'));
  for (const cto of ctos) {
    const ciso = cisos.find((person) => person.personId !== cto.personId);
    if (ciso !== undefined) return { met: true, counted: [cto.personId, ciso.personId], missing: '' };
  }
  const counted = eligible.map((person) => person.personId);
  if (ctos.length === 0 && cisos.length === 0) return { met: false, counted, missing: 'needs cto and ciso (two different people)' };
  if (cisos.length === 0) return { met: false, counted, missing: 'needs ciso' };
  if (ctos.length === 0) return { met: false, counted, missing: 'needs cto' };
  // Only possible case left: a single person holding both roles.
  return { met: false, counted, missing: 'needs cto or ciso from a second person' };
}
