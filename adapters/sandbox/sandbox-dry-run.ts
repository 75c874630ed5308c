import { validatePlannedAction } from '../../src/actions/action-catalog.ts';
import type { ActionName, DryRunFinding, DryRunResult, PlannedAction } from '../../src/ports/cluster-port.ts';
import { resourceFindings } from './sandbox-resources.ts';
import { fingerprintOf, locate, observeState } from './sandbox-state.ts';
import { ownedPods, pdbFor } from './sandbox-world.ts';
import type { SandboxDeployment, SandboxNode, SandboxPod, SandboxPvc, SandboxWorld } from './sandbox-world.ts';

/** The RBAC permission each action needs, as a SelfSubjectAccessReview would ask for it. */
export const permissionOf: Readonly<Record<ActionName, { verb: string; resource: string }>> = {
  restart_deployment: { verb: 'patch', resource: 'deployments' },
  evict_pod: { verb: 'create', resource: 'pods/eviction' },
  scale_deployment: { verb: 'patch', resource: 'deployments/scale' },
  set_resources: { verb: 'patch', resource: 'deployments' },
  rollback_deployment: { verb: 'patch', resource: 'deployments' },
  cordon_node: { verb: 'patch', resource: 'nodes' },
  delete_pvc: { verb: 'delete', resource: 'persistentvolumeclaims' },
  delete_namespace: { verb: 'delete', resource: 'namespaces' },
};

/** "1 pod", "3 pods". */
function count(amount: number, noun: string): string {
  return `${amount} ${noun}${amount === 1 ? '' : 's'}`;
}

function where(planned: PlannedAction): string {
  const { namespace, name } = planned.target;
  return namespace === undefined ? name : `${namespace}/${name}`;
}

function rbacFinding(world: SandboxWorld, planned: PlannedAction): DryRunFinding {
  const { verb, resource } = permissionOf[planned.action];
  const scope = planned.target.namespace === undefined ? 'cluster-wide' : `in namespace ${planned.target.namespace}`;
  const allowed = world.permitted.includes(planned.action);
  return {
    check: 'rbac',
    ok: allowed,
    message: allowed ? `bot may ${verb} ${resource} ${scope}` : `bot may not ${verb} ${resource} ${scope} (SelfSubjectAccessReview: allowed false)`,
  };
}

/** The earlier revision a rollback would go to, or why there is none. */
export function rollbackRevision(deployment: SandboxDeployment, toRevision: unknown): { revision: number; image: string } | string {
  if (deployment.history.length === 0) return `deployment ${deployment.name} has no earlier revision to roll back to`;
  if (toRevision === undefined) return deployment.history[deployment.history.length - 1] ?? 'no earlier revision';
  const found = deployment.history.find((entry) => entry.revision === toRevision);
  if (found !== undefined) return found;
  const available = deployment.history.map((entry) => entry.revision).join(', ');
  return `revision ${String(toRevision)} not found in the history of ${deployment.name} (available: ${available})`;
}

function deploymentFindings(world: SandboxWorld, planned: PlannedAction, deployment: SandboxDeployment): DryRunFinding[] {
  const findings: DryRunFinding[] = [];
  const pdb = pdbFor(world, deployment.namespace, deployment.name);
  const pods = `${count(deployment.replicas, 'pod')} of ${where(planned)} (${deployment.readyReplicas} ready)`;
  let serverDryRun: DryRunFinding = { check: 'server_dry_run', ok: true, message: 'simulated dryRun=All: accepted' };
  if (planned.action === 'scale_deployment') {
    const to = Number(planned.params['replicas']);
    const change = to - deployment.replicas;
    const effect = to === 0 ? `every pod of ${where(planned)} stops` : `${change >= 0 ? '+' : '−'}${count(Math.abs(change), 'pod')}`;
    findings.push({ check: 'blast_radius', ok: true, ...(to === 0 && { warning: true }), message: `${deployment.replicas} → ${to} replicas: ${effect}` });
    if (pdb !== undefined && to < pdb.minAvailable) {
      findings.push({
        check: 'pdb',
        ok: true,
        warning: true,
        message: `scales below ${pdb.name} minAvailable ${pdb.minAvailable} (PDBs do not block scaling)`,
      });
    }
  } else {
    if (planned.action === 'set_resources') {
      const checked = resourceFindings(deployment, planned);
      findings.push(...checked.findings);
      serverDryRun = checked.serverDryRun;
    } else findings.push({ check: 'blast_radius', ok: true, message: `replaces ${pods}, rolling, one at a time` });
    if (pdb !== undefined) {
      findings.push({
        check: 'pdb',
        ok: true,
        ...(pdb.disruptionsAllowed === 0 && { warning: true }),
        message:
          pdb.disruptionsAllowed > 0
            ? `${pdb.name} allows ${count(pdb.disruptionsAllowed, 'disruption')}`
            : `${pdb.name} allows no disruption now; a rollout is not blocked by PDBs (it surges first) but capacity is tight`,
      });
    }
    if (planned.action === 'rollback_deployment') {
      const target = rollbackRevision(deployment, planned.params['toRevision']);
      serverDryRun =
        typeof target === 'string'
          ? { check: 'server_dry_run', ok: false, message: target }
          : { check: 'server_dry_run', ok: true, message: `simulated dryRun=All: revision ${deployment.revision} (${deployment.image}) → ${target.image}` };
    }
  }
  return [...findings, serverDryRun];
}

function podFindings(world: SandboxWorld, pod: SandboxPod): DryRunFinding[] {
  const pdb = pdbFor(world, pod.namespace, pod.owner);
  const pdbFinding: DryRunFinding =
    pdb === undefined
      ? { check: 'pdb', ok: true, message: 'no PodDisruptionBudget covers this pod' }
      : pdb.disruptionsAllowed > 0
        ? { check: 'pdb', ok: true, message: `${pdb.name} allows ${count(pdb.disruptionsAllowed, 'disruption')}` }
        : {
            check: 'pdb',
            ok: false,
            message: `${pdb.name} allows no disruption (${pdb.currentHealthy} healthy, minAvailable ${pdb.minAvailable}): the Eviction API would answer 429`,
          };
  const othersReady = ownedPods(world, pod.namespace, pod.owner ?? '').filter((other) => other.ready && other !== pod).length;
  const replacement =
    pod.ownerKind === 'Deployment'
      ? `deployment ${pod.owner} creates a replacement (${count(othersReady, 'other ready pod')} meanwhile)`
      : pod.ownerKind === 'StatefulSet'
        ? `StatefulSet ${pod.owner} recreates it under the same name (this replica is down meanwhile)`
        : 'it has no controller and will not be replaced';
  return [
    pdbFinding,
    { check: 'blast_radius', ok: true, ...(pod.ownerKind !== 'Deployment' && { warning: true }), message: `1 pod on ${pod.node ?? 'no node'}; ${replacement}` },
    { check: 'server_dry_run', ok: true, message: 'simulated eviction dryRun=All: accepted' },
  ];
}

function nodeFindings(world: SandboxWorld, node: SandboxNode): DryRunFinding[] {
  const running = world.pods.filter((pod) => pod.node === node.name).length;
  const schedulable = world.nodes.filter((other) => !other.unschedulable && other.name !== node.name).length;
  return [
    {
      check: 'blast_radius',
      ok: true,
      message: `${count(running, 'pod')} keep running on ${node.name}; no new pods there; ${schedulable} of ${world.nodes.length} nodes stay schedulable`,
    },
    {
      check: 'server_dry_run',
      ok: true,
      message: node.unschedulable ? `${node.name} is already cordoned (no-op)` : 'simulated dryRun=All: accepted',
    },
  ];
}

function pvcFindings(pvc: SandboxPvc): DryRunFinding[] {
  const mounted = pvc.mountedBy.length > 0;
  return [
    { check: 'blast_radius', ok: true, warning: true, message: `1 volume claim of ${pvc.storageGiB} GiB; its data is lost unless the volume is retained` },
    {
      check: 'server_dry_run',
      ok: !mounted,
      message: mounted
        ? `mounted by pod ${pvc.mountedBy.join(', ')}: pvc-protection would leave it Terminating; refused`
        : 'simulated dryRun=All: accepted (not mounted by any pod)',
    },
  ];
}

function namespaceFindings(world: SandboxWorld, name: string): DryRunFinding[] {
  const inside = (list: { namespace: string }[]): number => list.filter((item) => item.namespace === name).length;
  return [
    {
      check: 'blast_radius',
      ok: true,
      warning: true,
      message: `deletes ${[
        count(inside(world.deployments), 'deployment'),
        count(inside(world.pods), 'pod'),
        count(inside(world.pvcs), 'volume claim'),
        count(inside(world.pdbs), 'PDB'),
      ].join(', ')} in ${name}`,
    },
    { check: 'server_dry_run', ok: true, message: 'simulated dryRun=All: accepted' },
  ];
}

/** Every check of DESIGN.md §2 "Dry-run checks", against the simulated world. Changes nothing. */
export function dryRunWorld(world: SandboxWorld, input: PlannedAction): DryRunResult {
  const validated = validatePlannedAction(input);
  if (!validated.ok) {
    const state = {};
    return { ok: false, findings: [{ check: 'parameters', ok: false, message: validated.error.message }], state, fingerprint: fingerprintOf(state) };
  }
  const planned = validated.action;
  const findings: DryRunFinding[] = [{ check: 'parameters', ok: true, message: 'action, target and parameters valid' }, rbacFinding(world, planned)];
  const state = observeState(world, planned.target);
  const found = locate(world, planned.target);
  if (found.object === undefined) {
    findings.push({ check: 'existence', ok: false, message: `${planned.target.kind} ${where(planned)} not found` });
  } else {
    findings.push({ check: 'existence', ok: true, message: `${planned.target.kind} ${where(planned)} exists` });
    if (found.kind === 'Deployment') findings.push(...deploymentFindings(world, planned, found.object));
    if (found.kind === 'Pod') findings.push(...podFindings(world, found.object));
    if (found.kind === 'Node') findings.push(...nodeFindings(world, found.object));
    if (found.kind === 'PersistentVolumeClaim') findings.push(...pvcFindings(found.object));
    if (found.kind === 'Namespace') findings.push(...namespaceFindings(world, planned.target.name));
  }
  return { ok: findings.every((finding) => finding.ok), findings, state, fingerprint: fingerprintOf(state) };
}
