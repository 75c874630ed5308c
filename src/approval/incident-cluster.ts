import type { ClusterDirectory, ClusterPort } from '../ports/cluster-port.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';

export type IncidentCluster = { ok: true; name: string | null; cluster: ClusterPort } | { ok: false; message: string };

/**
 * The cluster an incident's proposals run on (ADR 0032). An incident whose cluster is no longer configured fails
 * closed: running its plan on another cluster that happens to have an object of the same name is the one mistake
 * this must never make. Without a directory, the one cluster.
 */
export async function incidentCluster(
  deps: Pick<ApprovalDependencies, 'db' | 'cluster'> & { clusters?: ClusterDirectory | undefined },
  incidentId: string,
): Promise<IncidentCluster> {
  if (deps.clusters === undefined) return { ok: true, name: null, cluster: deps.cluster };
  const row = await deps.db.selectFrom('incidents').select('cluster').where('id', '=', incidentId).executeTakeFirst();
  // No such incident: the caller says so in its own words; the default cluster is never written to for it.
  const name = row?.cluster ?? deps.clusters.defaultName;
  const cluster = deps.clusters.get(name);
  if (cluster === undefined) return { ok: false, message: `the incident belongs to cluster ${name}, which is not configured; nothing runs elsewhere` };
  return { ok: true, name, cluster };
}
