/** Risk levels, in increasing order. Risk comes from the action catalog and policy, never from a model. */
export const risks = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Risk = (typeof risks)[number];

/** Roles a person can hold. Only admin, devops, sre, cto and ciso can sign. */
export const roles = ['admin', 'devops', 'sre', 'cto', 'ciso', 'viewer'] as const;
export type Role = (typeof roles)[number];
