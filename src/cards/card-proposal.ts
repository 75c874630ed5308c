import { z } from 'zod';
import { describeAction, validatePlannedAction } from '../actions/action-catalog.ts';
import type { ProposalRow, SignatureRow } from '../approval/proposal.table.ts';
import { evaluateQuorum, requiredSignatures } from '../approval/quorum.ts';
import { roles as allRoles, type Risk, type Role } from '../domain/risk.ts';
import type { Person } from '../domain/person.ts';
import type { ActionTarget, DryRunFinding } from '../ports/cluster-port.ts';
import type { CardProposal } from './incident-card.ts';

const dryRunShape = z.object({
  ok: z.boolean(),
  findings: z.array(
    z.object({
      check: z.enum(['scope', 'rbac', 'parameters', 'existence', 'pdb', 'blast_radius', 'gitops', 'server_dry_run']),
      ok: z.boolean(),
      message: z.string(),
      warning: z.boolean().optional(),
    }),
  ),
});

/** "admin, devops or sre" / "cto and ciso, two different people" / "nobody (LOW)". */
export function signersText(risk: Risk): string {
  return risk === 'LOW' ? 'nobody (LOW)' : requiredSignatures(risk).rolesText;
}

/**
 * A stored proposal as the card shows it. What is still missing is computed with the signers' roles as
 * configured now (a signer who lost a role, or left the config, no longer counts), as execution will.
 */
export function cardProposal(row: ProposalRow, signatures: readonly SignatureRow[], people: readonly Person[]): CardProposal {
  const validated = validatePlannedAction({ action: row.action, target: row.target, params: row.params });
  const target: ActionTarget = validated.ok ? validated.action.target : (row.target as ActionTarget);
  const description = validated.ok ? describeAction(validated.action) : `${row.action} of ${target.kind} ${scoped(target)} (not in the catalog)`;
  const dryRun = dryRunShape.safeParse(row.dry_run);
  const person = (id: string) => people.find((candidate) => candidate.id === id);
  const ordered = [...signatures].sort((a, b) => a.signed_at.getTime() - b.signed_at.getTime());

  const missing =
    row.state === 'PENDING'
      ? evaluateQuorum({
          risk: row.risk,
          requesterPersonId: row.requested_by,
          signatures: ordered
            .filter((signature) => signature.decision === 'approve')
            .map((signature) => ({ personId: signature.person_id, roles: person(signature.person_id)?.roles ?? [] })),
        }).missing
      : '';

  return {
    id: row.id,
    action: row.action,
    description,
    target,
    params: row.params,
    reason: row.reason,
    baseRisk: row.base_risk,
    risk: row.risk,
    riskReason: row.risk_reason,
    requiredSignatures: requiredSignatures(row.risk).count,
    signersText: signersText(row.risk),
    state: row.state,
    expiresAt: row.expires_at.toISOString(),
    dryRun: dryRun.success ? { ok: dryRun.data.ok, findings: dryRun.data.findings as DryRunFinding[] } : { ok: false, findings: [] },
    signatures: ordered.map((signature) => ({
      personId: signature.person_id,
      personName: person(signature.person_id)?.name ?? signature.person_id,
      roles: signature.roles.filter((role): role is Role => (allRoles as readonly string[]).includes(role)),
      platform: signature.platform,
      decision: signature.decision,
      at: signature.signed_at.toISOString(),
    })),
    missing,
    outcome: outcomeText(row, ordered, person),
  };
}

function outcomeText(row: ProposalRow, signatures: readonly SignatureRow[], person: (id: string) => Person | undefined): string | null {
  if (row.outcome) return row.outcome;
  switch (row.state) {
    case 'PENDING':
    case 'APPROVED':
    case 'EXECUTING':
      return null;
    case 'VOIDED':
      return `voided: ${row.void_reason ?? 'the cluster changed since the plan was signed'}`;
    case 'REJECTED': {
      const by = signatures.filter((signature) => signature.decision === 'reject').map((signature) => person(signature.person_id)?.name ?? signature.person_id);
      return by.length > 0 ? `rejected by ${by.join(', ')}` : 'rejected';
    }
    case 'EXPIRED':
      return `expired at ${row.expires_at.toISOString()} before it was approved`;
    case 'SUPERSEDED':
      return 'superseded by a newer proposal';
    case 'SUCCEEDED':
      return 'executed successfully';
    case 'FAILED':
      return 'execution failed';
  }
}

function scoped(target: { namespace?: string; name: string }): string {
  return target.namespace === undefined ? target.name : `${target.namespace}/${target.name}`;
}
