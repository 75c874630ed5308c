import { baseRiskOf } from '../actions/action-catalog.ts';
import { cpuCoresOf, memoryGiBOf, roundCpu, roundMemory } from '../actions/resource-quantity.ts';
import type { ClusterInventory, InventoryWorkload, PlannedAction } from '../ports/cluster-port.ts';
import { recommendationId, type Recommendation } from './finops-report.ts';
import { annualOf, formatMoney, roundToCents, type Prices } from './pricing.ts';
import { type WorkloadUsage, workloadKey } from './usage-by-workload.ts';
import { idleDays, rightSized, safetyBuffer, wasted } from './waste.ts';

/** Unit prices for one workload: OpenCost's allocation where it had one, else the list prices. */
export interface UnitRates {
  cpuCoreHour: number;
  memoryGiBHour: number;
}

export interface WorkloadWasteInput {
  inventory: ClusterInventory;
  usage: ReadonlyMap<string, WorkloadUsage>;
  prices: Prices;
  ratesOf(workload: InventoryWorkload): UnitRates;
  zombieDays: number;
  minimumMonthly: number;
}

/** A priced workload finding, monthly unrounded. */
export interface WorkloadWaste {
  recommendation: Recommendation;
  monthly: number;
}

/** Waste under this share of a request is noise, not a reason to touch a workload. */
const worthShare = 0.25;

/**
 * Zombies (CPU under 1% of the request every day for `zombieDays` days: scale to zero) and over-provisioned
 * workloads (requests far above the peak use with the 20% buffer: fewer replicas where that suffices, else lower
 * requests). A workload without usage data is not judged.
 */
export function workloadWaste(input: WorkloadWasteInput): WorkloadWaste[] {
  const found: WorkloadWaste[] = [];
  const { prices } = input;
  const money = (amount: number) => formatMoney(amount, prices.currency);
  for (const workload of input.inventory.workloads) {
    const usage = input.usage.get(workloadKey(workload.namespace, workload.name));
    if (usage === undefined || workload.replicas === 0) continue;
    const rates = input.ratesOf(workload);
    const perReplicaMonthly = (cpuCores: number, memoryGiB: number) => (cpuCores * rates.cpuCoreHour + memoryGiB * rates.memoryGiBHour) * prices.hoursPerMonth;
    const target = { kind: workload.kind, namespace: workload.namespace, name: workload.name };
    const name = `${workload.kind} ${workload.namespace}/${workload.name}`;

    const idle = idleDays(usage.daily);
    if (idle >= input.zombieDays) {
      const monthly = workload.replicas * perReplicaMonthly(workload.cpuCores, workload.memoryGiB);
      if (monthly < input.minimumMonthly) continue;
      const planned = workload.kind === 'Deployment' ? scaleTo(workload, 0) : null;
      found.push(
        priced('zombie_workload', target, monthly, planned, {
          summary: `${name} used under 1% of its CPU request on each of the last ${idle} days (${workload.replicas} × ${cores(workload.cpuCores)}): ${money(monthly)}/month`,
          advice:
            planned === null
              ? 'scale the StatefulSet to zero or delete it; the catalog scales Deployments only'
              : 'scale it to zero, or delete it if nobody owns it any more',
        }),
      );
      continue;
    }

    const cpuPeak = usage.cpuPeakPerReplica;
    if (cpuPeak === null) continue;
    const memoryPeak = usage.memoryPeakPerReplica;
    const cpuWaste = wasted(workload.cpuCores, cpuPeak);
    const memoryWaste = memoryPeak === null ? 0 : wasted(workload.memoryGiB, memoryPeak);
    const worth = cpuWaste >= workload.cpuCores * worthShare || memoryWaste >= workload.memoryGiB * worthShare;
    const monthly = workload.replicas * perReplicaMonthly(cpuWaste, memoryWaste);
    if (!worth || monthly < input.minimumMonthly) continue;
    const cpuTo = rightSized(workload.cpuCores, cpuPeak);
    const memoryTo = memoryPeak === null ? workload.memoryGiB : rightSized(workload.memoryGiB, memoryPeak);
    const needed = Math.max(
      1,
      Math.ceil(workload.replicas * Math.max(cpuTo / workload.cpuCores || 0, memoryPeak === null ? 1 : memoryTo / workload.memoryGiB || 0)),
    );
    const fewer = workload.kind === 'Deployment' && needed < workload.replicas;
    const planned = fewer ? scaleTo(workload, needed) : rightSize(workload, cpuTo, memoryPeak === null ? null : memoryTo);
    const requests = `requests ${cores(workload.cpuCores)} / ${gib(workload.memoryGiB)} per replica, peak use ${cores(cpuPeak)} / ${memoryPeak === null ? 'unknown' : gib(memoryPeak)}`;
    const lower = `lower its requests to ${cores(cpuTo)} and ${gib(memoryTo)} memory per replica`;
    found.push(
      priced('overprovisioned_workload', target, monthly, planned, {
        summary: `${name} is over-provisioned: ${requests}; ${money(monthly)}/month above use × ${safetyBuffer}`,
        advice: fewer
          ? `${lower} in its manifest, or run ${needed} replica${needed === 1 ? '' : 's'} instead of ${workload.replicas}`
          : planned === null
            ? `${lower} in its manifest`
            : `${lower}; the proposal sets them on the cluster (put them in its manifest too, or the next deploy undoes it)`,
      }),
    );
  }
  return found;
}

function scaleTo(workload: InventoryWorkload, replicas: number): PlannedAction {
  return { action: 'scale_deployment', target: { kind: 'Deployment', namespace: workload.namespace, name: workload.name }, params: { replicas } };
}

/**
 * `set_resources` with the right-sized requests, rounded up (CPU to 10m, memory to 16Mi); only for a Deployment of
 * one container (use is measured per pod, so it cannot be split between containers), and only the requests that
 * rounding still leaves below today's. Null when there is nothing to set that way.
 */
export function rightSize(workload: InventoryWorkload, cpuTo: number, memoryTo: number | null): PlannedAction | null {
  const container = workload.containers?.length === 1 ? workload.containers[0] : undefined;
  if (workload.kind !== 'Deployment' || container === undefined) return null;
  const cpu = roundCpu(cpuTo);
  const memory = memoryTo === null ? null : roundMemory(memoryTo);
  const requests = {
    ...((cpuCoresOf(cpu) ?? Number.POSITIVE_INFINITY) < workload.cpuCores && { cpu }),
    ...(memory !== null && (memoryGiBOf(memory) ?? Number.POSITIVE_INFINITY) < workload.memoryGiB && { memory }),
  };
  if (Object.keys(requests).length === 0) return null;
  return { action: 'set_resources', target: { kind: 'Deployment', namespace: workload.namespace, name: workload.name }, params: { container, requests } };
}

/** Builds a recommendation; the `freed` saving becomes money once the node pool shrinks. */
export function priced(
  kind: Recommendation['kind'],
  target: Recommendation['target'],
  monthly: number,
  planned: PlannedAction | null,
  text: { summary: string; advice: string | null },
  saving: Recommendation['saving'] = 'freed',
): WorkloadWaste {
  return {
    monthly,
    recommendation: {
      id: recommendationId(kind, target),
      kind,
      saving,
      target,
      monthly: roundToCents(monthly),
      annual: roundToCents(annualOf(monthly)),
      summary: text.summary,
      advice: text.advice,
      planned,
      risk: planned === null ? null : baseRiskOf(planned),
    },
  };
}

export function cores(value: number): string {
  return value >= 1 ? `${Number(value.toFixed(2))} CPU` : `${Math.round(value * 1000)}m CPU`;
}

export function gib(value: number): string {
  return value >= 1 ? `${Number(value.toFixed(2))} GiB` : `${Math.round(value * 1024)} MiB`;
}
