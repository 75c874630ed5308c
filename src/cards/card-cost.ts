import { costAtStake, type AffectedService } from '../finops/cost-at-stake.ts';
import type { Prices } from '../finops/pricing.ts';
import { deadline } from '../ports/call-options.ts';
import type { ActionTarget, ClusterPort, PlannedAction, WorkloadResources } from '../ports/cluster-port.ts';
import type { CardCost } from './incident-card.ts';

/** The services to price and the proposal whose cost change to show. */
export interface CardCostInput {
  /** Alerting services first, then the blast radius; each priced as the Deployment of the same name. */
  services: readonly string[];
  namespaceOf(service: string): string | undefined;
  proposal: PlannedAction | null;
}

/**
 * Monthly cost at stake of the affected services that the cluster knows, and what a scale proposal changes.
 * A service whose namespace or resources are unknown is listed as unknown, never priced by guess. The cluster
 * calls share one deadline (`cluster.timeoutSeconds`): a slow cluster makes figures unknown, never the card late.
 */
export async function cardCost(input: CardCostInput, cluster: ClusterPort, prices: Prices, timeoutMilliseconds = 30_000): Promise<CardCost | null> {
  const services = [...new Set(input.services)];
  if (services.length === 0 && input.proposal === null) return null;
  const signal = deadline(timeoutMilliseconds);
  const affected: AffectedService[] = await Promise.all(
    services.map(async (service) => {
      const namespace = input.namespaceOf(service);
      const resources = namespace === undefined ? null : await resourcesOf(cluster, { kind: 'Deployment', namespace, name: service }, signal);
      return { service, resources };
    }),
  );
  const cost = costAtStake({ affected }, prices);
  return { monthlyAtStake: cost.monthlyAtStake, text: cost.text, actionDelta: await actionDelta(input.proposal, cluster, prices, signal) };
}

/** Only scaling changes requests; restarts, rollbacks, evictions and cordons cost what they cost now. */
async function actionDelta(planned: PlannedAction | null, cluster: ClusterPort, prices: Prices, signal: AbortSignal): Promise<string | null> {
  if (planned === null || planned.action !== 'scale_deployment') return null;
  const before = await resourcesOf(cluster, planned.target, signal);
  const priced = costAtStake({ affected: [], proposal: { planned, before } }, prices);
  return priced.actionDelta?.text ?? `cost change of scaling ${planned.target.name} unknown (no resource requests known)`;
}

/** A cluster that cannot answer makes the figure unknown; it must not keep the card from being shown. */
async function resourcesOf(cluster: ClusterPort, target: ActionTarget, signal: AbortSignal): Promise<WorkloadResources | null> {
  try {
    return await cluster.workloadResources(target, { signal });
  } catch {
    return null;
  }
}
