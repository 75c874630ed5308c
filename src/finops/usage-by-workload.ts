import type { ClusterInventory, InventoryWorkload } from '../ports/cluster-port.ts';
import type { DailyCpu, PodUsage } from '../ports/usage-port.ts';

/** A workload's use over the window, from the usage of all pods it had (replaced pods included). */
export interface WorkloadUsage {
  /** Per day, summed over its pods: churn cancels out because use and request come from the same pods. */
  daily: DailyCpu[];
  /** The busiest pod's CPU peak (p95 of 5-minute rates): what one replica needs. */
  cpuPeakPerReplica: number | null;
  memoryPeakPerReplica: number | null;
}

export const workloadKey = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * The workload a pod belonged to: the inventory says so for the pods that still exist; a replaced pod is matched by
 * the names controllers give (`<deployment>-<template hash>-<5>`, `<statefulset>-<ordinal>`). Unmatched: null.
 */
export function workloadOfPod(inventory: ClusterInventory, namespace: string, pod: string): InventoryWorkload | null {
  const known = inventory.pods.find((candidate) => candidate.namespace === namespace && candidate.name === pod);
  const byName = (kind: InventoryWorkload['kind'], name: string) =>
    inventory.workloads.find((workload) => workload.namespace === namespace && workload.kind === kind && workload.name === name) ?? null;
  if (known?.workload != null) return byName(known.workload.kind, known.workload.name);
  for (const workload of inventory.workloads) {
    if (workload.namespace !== namespace || !pod.startsWith(`${workload.name}-`)) continue;
    const rest = pod.slice(workload.name.length + 1);
    if (workload.kind === 'Deployment' && /^([a-z0-9]{1,10}-)?[a-z0-9]{5}$/.test(rest)) return workload;
    if (workload.kind === 'StatefulSet' && /^\d+$/.test(rest)) return workload;
  }
  return null;
}

/** Pod usage grouped by workload (key `namespace/name`); pods of no known workload are left out. */
export function usageByWorkload(inventory: ClusterInventory, pods: readonly PodUsage[]): Map<string, WorkloadUsage> {
  const grouped = new Map<string, PodUsage[]>();
  for (const pod of pods) {
    const workload = workloadOfPod(inventory, pod.namespace, pod.pod);
    if (workload === null) continue;
    const key = workloadKey(workload.namespace, workload.name);
    grouped.set(key, [...(grouped.get(key) ?? []), pod]);
  }
  const result = new Map<string, WorkloadUsage>();
  for (const [key, members] of grouped) {
    result.set(key, {
      daily: sumDays(members),
      cpuPeakPerReplica: maximum(members.map((member) => member.cpuPeakCores)),
      memoryPeakPerReplica: maximum(members.map((member) => member.memoryPeakGiB)),
    });
  }
  return result;
}

function sumDays(members: readonly PodUsage[]): DailyCpu[] {
  const days = new Map<number, { used: number | null; requested: number | null }>();
  for (const member of members) {
    for (const day of member.daily) {
      const entry = days.get(day.end.getTime()) ?? { used: null, requested: null };
      if (day.usedCores !== null) entry.used = (entry.used ?? 0) + day.usedCores;
      if (day.requestedCores !== null) entry.requested = (entry.requested ?? 0) + day.requestedCores;
      days.set(day.end.getTime(), entry);
    }
  }
  return [...days.entries()]
    .sort(([left], [right]) => left - right)
    .map(([end, entry]) => ({ end: new Date(end), usedCores: entry.used, requestedCores: entry.requested }));
}

function maximum(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null && Number.isFinite(value));
  return known.length === 0 ? null : Math.max(...known);
}
