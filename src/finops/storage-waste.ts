import { baseRiskOf } from '../actions/action-catalog.ts';
import type { ClusterInventory, PlannedAction } from '../ports/cluster-port.ts';
import { recommendationId, type Recommendation } from './finops-report.ts';
import { annualOf, formatMoney, roundToCents, storageMonthlyCost, type Prices } from './pricing.ts';

/** Pods in these phases hold their claims; finished pods (Succeeded, Failed) do not keep a volume in use. */
const holding = new Set(['Pending', 'Running', 'Unknown']);

/** A priced storage finding, monthly unrounded (the totals add these before rounding). */
export interface StorageWaste {
  recommendation: Recommendation;
  monthly: number;
}

/**
 * Orphaned claims (Bound, mounted by no live pod: proposed `delete_pvc`, at its catalog risk) and Released volumes
 * (their claim is gone, the disk is still billed; the catalog has no action for them, so the advice says what to do).
 */
export function storageWaste(inventory: ClusterInventory, prices: Prices): StorageWaste[] {
  const mounted = new Set(inventory.pods.filter((pod) => holding.has(pod.phase)).flatMap((pod) => pod.claims.map((claim) => `${pod.namespace}/${claim}`)));
  const found: StorageWaste[] = [];
  for (const claim of inventory.claims) {
    if (claim.phase !== 'Bound' || mounted.has(`${claim.namespace}/${claim.name}`)) continue;
    const monthly = storageMonthlyCost(claim.storageGiB, prices, claim.storageClass);
    const target = { kind: 'PersistentVolumeClaim' as const, namespace: claim.namespace, name: claim.name };
    const planned: PlannedAction = { action: 'delete_pvc', target, params: {} };
    found.push({
      monthly,
      recommendation: {
        id: recommendationId('orphaned_claim', target),
        kind: 'orphaned_claim',
        saving: 'realizable',
        target,
        monthly: roundToCents(monthly),
        annual: roundToCents(annualOf(monthly)),
        summary: `PersistentVolumeClaim ${claim.namespace}/${claim.name} (${gib(claim.storageGiB)}, ${claim.storageClass ?? 'no class'}) is bound but no pod mounts it: ${formatMoney(monthly, prices.currency)}/month`,
        advice: 'check nothing reads it on a schedule (a CronJob) and that its data is backed up before deleting',
        planned,
        risk: baseRiskOf(planned),
      },
    });
  }
  for (const volume of inventory.volumes) {
    if (volume.phase !== 'Released') continue;
    const monthly = storageMonthlyCost(volume.storageGiB, prices, volume.storageClass);
    const target = { kind: 'PersistentVolume', name: volume.name };
    const was = volume.claim === null ? '' : ` (was ${volume.claim.namespace}/${volume.claim.name})`;
    found.push({
      monthly,
      recommendation: {
        id: recommendationId('released_volume', target),
        kind: 'released_volume',
        saving: 'realizable',
        target,
        monthly: roundToCents(monthly),
        annual: roundToCents(annualOf(monthly)),
        summary: `PersistentVolume ${volume.name}${was} (${gib(volume.storageGiB)}, ${volume.storageClass ?? 'no class'}) is Released: its claim is gone, the disk is still billed, ${formatMoney(monthly, prices.currency)}/month`,
        advice: `delete the PersistentVolume and its disk (reclaim policy ${volume.reclaimPolicy ?? 'unknown'} kept them); no catalog action deletes volumes`,
        planned: null,
        risk: null,
      },
    });
  }
  return found;
}

function gib(value: number): string {
  return `${Number(value.toFixed(2))} GiB`;
}
