import { describe, expect, it } from 'vitest';
import { canReject, canSign, evaluateQuorum, requiredSignatures } from '../../../src/approval/quorum.ts';
import type { QuorumSignature } from '../../../src/approval/quorum.ts';
import type { Risk, Role } from '../../../src/domain/risk.ts';

const sig = (personId: string, ...roles: Role[]): QuorumSignature => ({ personId, roles });

interface Row {
  name: string;
  risk: Risk;
  requester?: string;
  signatures: QuorumSignature[];
  met: boolean;
  counted?: string[];
  missing?: string;
}

const table: Row[] = [
  { name: 'LOW with nobody', risk: 'LOW', signatures: [], met: true, counted: [], missing: '' },
  { name: 'LOW signed by the requester', risk: 'LOW', requester: 'ann', signatures: [sig('ann', 'sre')], met: true },
  { name: 'MEDIUM with nobody', risk: 'MEDIUM', signatures: [], met: false, missing: '1 more signature from admin, devops or sre' },
  { name: 'MEDIUM with a viewer only', risk: 'MEDIUM', signatures: [sig('vic', 'viewer')], met: false, counted: [] },
  { name: 'MEDIUM with an sre', risk: 'MEDIUM', signatures: [sig('sam', 'sre')], met: true, counted: ['sam'] },
  { name: 'MEDIUM with a devops', risk: 'MEDIUM', signatures: [sig('dev', 'devops')], met: true },
  { name: 'MEDIUM with an admin', risk: 'MEDIUM', signatures: [sig('ada', 'admin')], met: true },
  { name: 'MEDIUM with a cto only (not in the matrix)', risk: 'MEDIUM', signatures: [sig('cid', 'cto')], met: false },
  { name: 'MEDIUM signed by its requester', risk: 'MEDIUM', requester: 'sam', signatures: [sig('sam', 'sre')], met: false, counted: [] },
  {
    name: 'MEDIUM, requester and another sre',
    risk: 'MEDIUM',
    requester: 'sam',
    signatures: [sig('sam', 'sre'), sig('sue', 'sre')],
    met: true,
    counted: ['sue'],
  },
  { name: 'HIGH with one sre', risk: 'HIGH', signatures: [sig('sam', 'sre')], met: false, missing: '1 more signature from admin, devops or sre' },
  {
    name: 'HIGH with one sre twice (two platforms, one person)',
    risk: 'HIGH',
    signatures: [sig('sam', 'sre'), sig('sam', 'sre')],
    met: false,
    counted: ['sam'],
  },
  { name: 'HIGH with sre and devops', risk: 'HIGH', signatures: [sig('sam', 'sre'), sig('dev', 'devops')], met: true, counted: ['sam', 'dev'] },
  { name: 'HIGH with sre and viewer', risk: 'HIGH', signatures: [sig('sam', 'sre'), sig('vic', 'viewer')], met: false },
  { name: 'HIGH with nobody', risk: 'HIGH', signatures: [], met: false, missing: '2 more signatures from admin, devops or sre' },
  {
    name: 'HIGH where the requester is one of two',
    risk: 'HIGH',
    requester: 'dev',
    signatures: [sig('sam', 'sre'), sig('dev', 'devops')],
    met: false,
    counted: ['sam'],
  },
  { name: 'CRITICAL with nobody', risk: 'CRITICAL', signatures: [], met: false, missing: 'needs cto and ciso (two different people)' },
  { name: 'CRITICAL with cto and sre', risk: 'CRITICAL', signatures: [sig('cid', 'cto'), sig('sam', 'sre')], met: false, missing: 'needs ciso' },
  { name: 'CRITICAL with ciso only', risk: 'CRITICAL', signatures: [sig('cis', 'ciso')], met: false, missing: 'needs cto' },
  { name: 'CRITICAL with admin and sre', risk: 'CRITICAL', signatures: [sig('ada', 'admin'), sig('sam', 'sre')], met: false },
  {
    name: 'CRITICAL with cto and ciso',
    risk: 'CRITICAL',
    signatures: [sig('cid', 'cto'), sig('cis', 'ciso')],
    met: true,
    counted: ['cid', 'cis'],
    missing: '',
  },
  {
    name: 'CRITICAL with one person holding cto and ciso',
    risk: 'CRITICAL',
    signatures: [sig('both', 'cto', 'ciso')],
    met: false,
    missing: 'needs cto or ciso from a second person',
  },
  {
    name: 'CRITICAL, cto+ciso person and a ciso',
    risk: 'CRITICAL',
    signatures: [sig('both', 'cto', 'ciso'), sig('cis', 'ciso')],
    met: true,
    counted: ['both', 'cis'],
  },
  {
    name: 'CRITICAL, ciso and a cto+ciso person',
    risk: 'CRITICAL',
    signatures: [sig('cis', 'ciso'), sig('both', 'cto', 'ciso')],
    met: true,
    counted: ['both', 'cis'],
  },
  { name: 'CRITICAL where the ciso lost the role', risk: 'CRITICAL', signatures: [sig('cid', 'cto'), sig('cis', 'viewer')], met: false, missing: 'needs ciso' },
  {
    name: 'CRITICAL where the cto requested',
    risk: 'CRITICAL',
    requester: 'cid',
    signatures: [sig('cid', 'cto'), sig('cis', 'ciso')],
    met: false,
    missing: 'needs cto',
  },
  { name: 'CRITICAL with one person signing twice on two platforms', risk: 'CRITICAL', signatures: [sig('both', 'cto'), sig('both', 'ciso')], met: false },
];

describe('evaluateQuorum (risk × roles × signers)', () => {
  it.each(table)('$name → met $met', (row) => {
    const result = evaluateQuorum({ risk: row.risk, requesterPersonId: row.requester ?? null, signatures: row.signatures });
    expect(result.met).toBe(row.met);
    if (row.counted !== undefined) expect(result.counted).toEqual(row.counted);
    if (row.missing !== undefined) expect(result.missing).toBe(row.missing);
    if (result.met) expect(result.missing).toBe('');
    else expect(result.missing).not.toBe('');
  });

  it('re-evaluated with current roles, a signer who lost the role stops counting', () => {
    const atSigning = evaluateQuorum({ risk: 'MEDIUM', requesterPersonId: null, signatures: [sig('sam', 'sre')] });
    const atExecution = evaluateQuorum({ risk: 'MEDIUM', requesterPersonId: null, signatures: [sig('sam', 'viewer')] });
    expect(atSigning.met).toBe(true);
    expect(atExecution.met).toBe(false);
  });
});

describe('requiredSignatures', () => {
  it.each([
    ['LOW', 0],
    ['MEDIUM', 1],
    ['HIGH', 2],
    ['CRITICAL', 2],
  ] as const)('%s needs %i', (risk, count) => {
    expect(requiredSignatures(risk).count).toBe(count);
  });

  it('names the roles', () => {
    expect(requiredSignatures('MEDIUM').rolesText).toBe('admin, devops or sre');
    expect(requiredSignatures('CRITICAL').rolesText).toContain('cto and ciso');
  });
});

describe('canSign / canReject', () => {
  it.each([
    ['MEDIUM', ['sre'], true],
    ['MEDIUM', ['viewer'], false],
    ['MEDIUM', ['cto'], false],
    ['HIGH', ['admin'], true],
    ['HIGH', ['ciso'], false],
    ['CRITICAL', ['cto'], true],
    ['CRITICAL', ['ciso'], true],
    ['CRITICAL', ['sre', 'admin'], false],
    ['LOW', ['devops'], true],
    ['LOW', ['viewer'], false],
    ['LOW', [], false],
  ] as const)('%s with %j → %s', (risk, roles, expected) => {
    expect(canSign(risk, roles)).toBe(expected);
    expect(canReject(risk, roles)).toBe(expected);
  });
});
