import { cpuCoresOf, memoryGiBOf, type ResourceParams } from '../../src/actions/resource-quantity.ts';
import type { DryRunFinding, PlannedAction } from '../../src/ports/cluster-port.ts';
import { simulatedPeakUse } from './simulated-usage-history.ts';
import { containerOf, type SandboxDeployment } from './sandbox-world.ts';

/** Requests and limits of the one container after `set_resources`, in cores and GiB (undefined: none). */
export interface SandboxResources {
  cpuCores: number;
  memoryGiB: number;
  limits: { cpuCores?: number; memoryGiB?: number };
}

const millicores = (cores: number) => `${Math.round(cores * 1000)}m`;
const mebibytes = (gib: number) => `${Math.round(gib * 1024)}Mi`;

/** What the deployment's container would have after the action; a string says why the API server would refuse it. */
export function resourcesAfter(deployment: SandboxDeployment, params: ResourceParams): SandboxResources | string {
  if (params.container !== containerOf(deployment))
    return `deployment ${deployment.name} has no container ${params.container} (containers: ${containerOf(deployment)})`;
  const limits = { ...deployment.limits };
  if (params.limits?.cpu !== undefined) limits.cpuCores = cpuCoresOf(params.limits.cpu) ?? 0;
  if (params.limits?.memory !== undefined) limits.memoryGiB = memoryGiBOf(params.limits.memory) ?? 0;
  const after = {
    cpuCores: params.requests.cpu === undefined ? deployment.cpuCores : (cpuCoresOf(params.requests.cpu) ?? 0),
    memoryGiB: params.requests.memory === undefined ? deployment.memoryGiB : (memoryGiBOf(params.requests.memory) ?? 0),
    limits,
  };
  if (limits.cpuCores !== undefined && after.cpuCores > limits.cpuCores)
    return `requests.cpu ${millicores(after.cpuCores)} must be less than or equal to the cpu limit ${millicores(limits.cpuCores)}`;
  if (limits.memoryGiB !== undefined && after.memoryGiB > limits.memoryGiB)
    return `requests.memory ${mebibytes(after.memoryGiB)} must be less than or equal to the memory limit ${mebibytes(limits.memoryGiB)}`;
  return after;
}

/**
 * Dry-run findings of `set_resources`: what changes per replica, that every pod is replaced, and a warning when a new
 * request is below the SIMULATED peak use (the pods would be throttled, or evicted first under memory pressure).
 */
export function resourceFindings(deployment: SandboxDeployment, planned: PlannedAction): { findings: DryRunFinding[]; serverDryRun: DryRunFinding } {
  const after = resourcesAfter(deployment, planned.params as ResourceParams);
  if (typeof after === 'string') return { findings: [], serverDryRun: { check: 'server_dry_run', ok: false, message: after } };
  const findings: DryRunFinding[] = [
    {
      check: 'blast_radius',
      ok: true,
      message: `container ${containerOf(deployment)} per replica: cpu ${millicores(deployment.cpuCores)} → ${millicores(after.cpuCores)}, memory ${mebibytes(deployment.memoryGiB)} → ${mebibytes(after.memoryGiB)}; replaces ${deployment.replicas} pods, rolling`,
    },
  ];
  const peak = simulatedPeakUse(deployment.namespace, deployment.name, deployment.usageBasis ?? deployment);
  const below = [
    after.cpuCores < peak.cpuCores ? `cpu ${millicores(after.cpuCores)} < peak ${millicores(peak.cpuCores)}` : null,
    after.memoryGiB < peak.memoryGiB ? `memory ${mebibytes(after.memoryGiB)} < peak ${mebibytes(peak.memoryGiB)}` : null,
  ].filter((text) => text !== null);
  if (below.length > 0) {
    findings.push({ check: 'blast_radius', ok: true, warning: true, message: `requests below current use (simulated peak per replica): ${below.join(', ')}` });
  }
  return { findings, serverDryRun: { check: 'server_dry_run', ok: true, message: 'simulated dryRun=All: accepted' } };
}

/** Writes the new requests and limits; the simulated use stays measured against the requests it had before. */
export function applyResources(deployment: SandboxDeployment, after: SandboxResources): void {
  deployment.usageBasis ??= { cpuCores: deployment.cpuCores, memoryGiB: deployment.memoryGiB };
  deployment.cpuCores = after.cpuCores;
  deployment.memoryGiB = after.memoryGiB;
  if (after.limits.cpuCores !== undefined || after.limits.memoryGiB !== undefined) deployment.limits = after.limits;
}
