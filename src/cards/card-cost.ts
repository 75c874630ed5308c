import { costAtStake, type AffectedService } from '../finops/cost-at-stake.ts';
import { formatMoney, type Prices } from '../finops/pricing.ts';
import type { WasteLookup } from '../finops/waste-cache.ts';
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
export async function cardCost(
  input: CardCostInput,
  cluster: ClusterPort,
  prices: Prices,
  timeoutMilliseconds = 30_000,
  waste?: WasteLookup,
): Promise<CardCost | null> {
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
  const carried = waste === undefined ? null : wasteText(services, input.namespaceOf, waste);
  const text = carried === null ? cost.text : `${cost.text}; ${carried}`;
  return { monthlyAtStake: cost.monthlyAtStake, text, actionDelta: await actionDelta(input.proposal, cluster, prices, signal) };
}

const wasteWords = { zombie_workload: 'idle for days (zombie)', overprovisioned_workload: 'over-provisioned' } as const;

/** "waste they carry: checkout $34.26/month over-provisioned": only workloads the last FinOps scan priced. */
function wasteText(services: readonly string[], namespaceOf: CardCostInput['namespaceOf'], waste: WasteLookup): string | null {
  const parts: string[] = [];
  let simulated = false;
  for (const service of services) {
    const namespace = namespaceOf(service);
    const figure = namespace === undefined ? undefined : waste.wasteOf(namespace, service);
    if (figure == null || (figure.kind !== 'zombie_workload' && figure.kind !== 'overprovisioned_workload')) continue;
    simulated ||= figure.simulated;
    parts.push(`${service} ${formatMoney(figure.monthly, figure.currency)}/month ${wasteWords[figure.kind]}`);
  }
  if (parts.length === 0) return null;
  return `waste they carry: ${parts.join(', ')}${simulated ? ' (simulated usage)' : ''}`;
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
