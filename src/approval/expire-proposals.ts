import { appendAudit } from '../audit/append-audit.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';
import { transitionProposal } from './proposal-repository.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';

/**
 * Marks PENDING proposals past their expiry EXPIRED and returns their ids. Called periodically; safe on every
 * replica at once (each transition is guarded, one small transaction per proposal, so none waits on another).
 * An APPROVED proposal does not expire: its execution is already queued, and the TOCTOU check guards it.
 */
export async function expireProposals(deps: ApprovalDependencies): Promise<string[]> {
  const now = deps.clock.now();
  const due = await deps.db.selectFrom('proposals').select('id').where('state', '=', 'PENDING').where('expires_at', '<=', now).orderBy('expires_at').execute();
  const expired: string[] = [];
  for (const { id } of due) {
    const row = await deps.db.transaction().execute(async (trx) => {
      const moved = await transitionProposal(trx, id, ['PENDING'], 'EXPIRED', { decided_at: now });
      if (moved !== undefined) {
        await appendAudit(trx, { kind: 'expired', at: now, incidentId: moved.incident_id, proposalId: id, details: { expiresAt: moved.expires_at } });
      }
      return moved;
    });
    if (row === undefined) continue;
    expired.push(id);
    await publishIncidentUpdated(deps.events, row.incident_id);
  }
  return expired;
}
