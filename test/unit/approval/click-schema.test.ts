import { describe, expect, it } from 'vitest';
import { clickSchema } from '../../../src/approval/handle-click.ts';

const valid = { platform: 'telegram', accountId: '1001', proposalId: '5f0c3a9e-8a61-4a4e-9d1f-3c2b1a0e9f8d', decision: 'approve' };

describe('clickSchema', () => {
  it('accepts a platform-neutral click', () => {
    expect(clickSchema.parse(valid)).toEqual(valid);
  });

  it.each([
    ['an unknown platform', { platform: 'irc' }],
    ['an empty account', { accountId: '' }],
    ['a proposal id that is no uuid', { proposalId: '1; DROP TABLE proposals' }],
    ['another decision', { decision: 'maybe' }],
    ['extra fields (a payload must carry only the opaque id)', { risk: 'LOW' }],
  ])('rejects %s', (_what, change) => {
    expect(clickSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});
