import type { ClusterInventory, InventoryNode, PlannedAction } from '../ports/cluster-port.ts';
import type { PodUsage } from '../ports/usage-port.ts';
import { formatMoney, type Prices } from './pricing.ts';
import { type WorkloadUsage, workloadKey } from './usage-by-workload.ts';
import { wasted } from './waste.ts';
import { cores, priced, type WorkloadWaste } from './workload-waste.ts';

/** A node whose pods' buffered use fits in this share of it could be emptied once they are right-sized. */
const drainableShare = 0.3;
/** Higher than a workload's: a node row only points at where freed capacity sits. */
const worthShare = 0.4;

/**
 * Per node: its pods' requests against their peak use with the buffer. The money is the workloads' (their rows
 * count it), shown here as `overlap` to say where freed capacity sits; a node its pods barely use is proposed for
 * cordoning, the first step of letting the node pool drop it. A node of a priced type (`prices.nodeTypes`) is
 * priced by its hourly price, split over its CPU and memory in the list-price ratio.
 */
export function nodeWaste(
  inventory: ClusterInventory,
  pods: readonly PodUsage[],
  usage: ReadonlyMap<string, WorkloadUsage>,
  prices: Prices,
  minimumMonthly: number,
): WorkloadWaste[] {
  const found: WorkloadWaste[] = [];
  for (const node of inventory.nodes) {
    let requestedCpu = 0;
    let requestedMemory = 0;
    let usedCpu = 0;
    let usedMemory = 0;
    let known = false;
    for (const pod of inventory.pods) {
      if (pod.node !== node.name || pod.workload === null || (pod.phase !== 'Running' && pod.phase !== 'Pending')) continue;
      const workload = inventory.workloads.find((candidate) => candidate.namespace === pod.namespace && candidate.name === pod.workload?.name);
      if (workload === undefined) continue;
      const own = pods.find((candidate) => candidate.namespace === pod.namespace && candidate.pod === pod.name);
      const shared = usage.get(workloadKey(workload.namespace, workload.name));
      const cpu = own?.cpuPeakCores ?? shared?.cpuPeakPerReplica ?? null;
      if (cpu === null) continue;
      known = true;
      requestedCpu += workload.cpuCores;
      requestedMemory += workload.memoryGiB;
      usedCpu += cpu;
      usedMemory += own?.memoryPeakGiB ?? shared?.memoryPeakPerReplica ?? workload.memoryGiB;
    }
    if (!known) continue;
    const cpuWaste = wasted(requestedCpu, usedCpu);
    const memoryWaste = wasted(requestedMemory, usedMemory);
    const rates = nodeRates(node, prices);
    const monthly = (cpuWaste * rates.cpuCoreHour + memoryWaste * rates.memoryGiBHour) * prices.hoursPerMonth;
    if (monthly < minimumMonthly || (cpuWaste < requestedCpu * worthShare && memoryWaste < requestedMemory * worthShare)) continue;
    const drainable =
      node.cpuCores !== null &&
      node.memoryGiB !== null &&
      usedCpu * 1.2 <= node.cpuCores * drainableShare &&
      usedMemory * 1.2 <= node.memoryGiB * drainableShare;
    const planned: PlannedAction | null = drainable ? { action: 'cordon_node', target: { kind: 'Node', name: node.name }, params: {} } : null;
    const capacity = node.cpuCores === null ? '' : ` of ${cores(node.cpuCores)}${node.instanceType === null ? '' : ` (${node.instanceType})`}`;
    found.push(
      priced(
        'overprovisioned_node',
        { kind: 'Node', name: node.name },
        monthly,
        planned,
        {
          summary: `Node ${node.name}: its pods request ${cores(requestedCpu)}${capacity} and use ${cores(usedCpu)} at peak; ${formatMoney(monthly, prices.currency)}/month of it is idle (counted under its workloads)`,
          advice: drainable ? 'right-size its workloads, then cordon and drain it so that the node pool can drop it' : 'right-size its workloads first',
        },
        'overlap',
      ),
    );
  }
  return found;
}

/** List prices, or a priced node type's hourly price split over CPU and memory in the list-price ratio. */
export function nodeRates(node: InventoryNode, prices: Prices): { cpuCoreHour: number; memoryGiBHour: number } {
  const hourly = node.instanceType === null ? undefined : prices.nodeTypes[node.instanceType];
  if (hourly === undefined || node.cpuCores === null || node.memoryGiB === null) return prices;
  const listed = node.cpuCores * prices.cpuCoreHour + node.memoryGiB * prices.memoryGiBHour;
  if (listed <= 0) return prices;
  const scale = hourly / listed;
  return { cpuCoreHour: prices.cpuCoreHour * scale, memoryGiBHour: prices.memoryGiBHour * scale };
}
