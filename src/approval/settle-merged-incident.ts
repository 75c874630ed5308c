import type { ApprovalDependencies } from './approval-dependencies.ts';
import { endIncidentProposals } from './end-incident-proposals.ts';
import { publishIncidentUpdated } from './publish-incident-updated.ts';

/**
 * The follow-up of a merge (issue 10): the merged incident's waiting proposals end as SUPERSEDED (the survivor's
 * analysis proposes for both) and its card updates to point at the survivor. Runs in the merged incident's
 * analysis job, which the merge requested in its own transaction, so a crash right after the merge still gets
 * here. False when the incident was not merged.
 */
export async function settleMergedIncident(deps: ApprovalDependencies, incidentId: string): Promise<boolean> {
  const survivor = await deps.db
    .selectFrom('incidents as merged')
    .innerJoin('incidents as survivor', 'survivor.id', 'merged.merged_into')
    .select('survivor.number')
    .where('merged.id', '=', incidentId)
    .where('merged.status', '=', 'merged')
    .executeTakeFirst();
  if (survivor === undefined) return false;
  await endIncidentProposals(deps, incidentId, `incident merged into #${survivor.number}`, 'SUPERSEDED');
  await publishIncidentUpdated(deps.events, incidentId);
  return true;
}
