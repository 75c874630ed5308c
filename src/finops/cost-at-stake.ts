import type { PlannedAction, WorkloadResources } from '../ports/cluster-port.ts';
import { defaultPrices, formatMoney, monthlyCost } from './pricing.ts';
import type { Prices } from './pricing.ts';

/** A service hit by the incident, with its resources when the cluster could tell them. */
export interface AffectedService {
  service: string;
  resources: WorkloadResources | null;
}

export interface CostAtStakeInput {
  affected: readonly AffectedService[];
  /** The proposal to price, with its target's resources before the action. */
  proposal?: { planned: PlannedAction; before: WorkloadResources | null };
}

/** Monthly figures are unrounded; `text` fields are rendered with cents. */
export interface CostAtStake {
  monthlyAtStake: number;
  byService: { service: string; monthly: number }[];
  /** Services whose resources are unknown: stated, never guessed. */
  unknown: string[];
  /** What the proposed action changes in monthly cost; null when it changes nothing we can price. */
  actionDelta: { monthly: number; text: string } | null;
  text: string;
}

/**
 * Monthly cost of the affected services' requests, and what the proposal would add or save.
 * Only scaling changes requests; restarts, rollbacks, evictions and cordons leave cost as it is.
 */
export function costAtStake(input: CostAtStakeInput, prices: Prices = defaultPrices): CostAtStake {
  const byService: CostAtStake['byService'] = [];
  const unknown: string[] = [];
  for (const { service, resources } of input.affected) {
    if (resources === null) unknown.push(service);
    else byService.push({ service, monthly: monthlyCost(resources, prices) });
  }
  const monthlyAtStake = byService.reduce((sum, entry) => sum + entry.monthly, 0);

  const parts: string[] = [];
  if (byService.length > 0) {
    const list = byService.map((entry) => `${entry.service} ${formatMoney(entry.monthly, prices.currency)}`).join(', ');
    parts.push(`${formatMoney(monthlyAtStake, prices.currency)}/month at stake (${list})`);
  } else if (input.affected.length === 0) {
    parts.push('no affected services to price');
  }
  if (unknown.length > 0) parts.push(`cost unknown for ${unknown.join(', ')} (no resource requests known)`);

  const delta = input.proposal === undefined ? null : priceAction(input.proposal, prices);
  if (delta !== null) parts.push(delta.text);
  else if (input.proposal?.planned.action === 'scale_deployment') {
    parts.push(`cost change of scaling ${input.proposal.planned.target.name} unknown (no resource requests known)`);
  }

  return { monthlyAtStake, byService, unknown, actionDelta: delta, text: parts.join('; ') };
}

function priceAction(proposal: NonNullable<CostAtStakeInput['proposal']>, prices: Prices): CostAtStake['actionDelta'] {
  const { planned, before } = proposal;
  const replicas = planned.params['replicas'];
  if (planned.action !== 'scale_deployment' || before === null || typeof replicas !== 'number') return null;
  const monthly = monthlyCost({ ...before, replicas }, prices) - monthlyCost(before, prices);
  const scaling = `scaling ${planned.target.name} ${before.replicas} → ${replicas} replica${replicas === 1 ? '' : 's'}`;
  if (monthly === 0) return { monthly, text: `${scaling} does not change the monthly cost` };
  const verb = monthly > 0 ? 'adds' : 'saves';
  return { monthly, text: `${scaling} ${verb} ${formatMoney(Math.abs(monthly), prices.currency)}/month` };
}
