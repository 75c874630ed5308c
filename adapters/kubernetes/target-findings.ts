import type { V1Deployment, V1Node, V1PersistentVolumeClaim, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { ResourceParams } from '../../src/actions/resource-quantity.ts';
import type { DryRunFinding, PlannedAction } from '../../src/ports/cluster-port.ts';
import { callWith, type KubeApis } from './kube-connection.ts';
import type { KubeFailure } from './kube-failure.ts';
import { selects } from './label-selector.ts';
import { attempt, type FoundObject } from './observe-target.ts';
import { resourcesFindings } from './resources-patch.ts';

/** "1 pod", "3 pods". */
function count(amount: number, noun: string): string {
  return `${amount} ${noun}${amount === 1 ? '' : 's'}`;
}

function readFailed(what: string, failure: KubeFailure): DryRunFinding {
  return { check: 'blast_radius', ok: false, message: `could not read ${what}: ${failure.message}` };
}

async function budgetsFor(apis: KubeApis, namespace: string, labels: Record<string, string> | undefined, signal: AbortSignal) {
  const listed = await attempt(signal, () => apis.policy.listNamespacedPodDisruptionBudget({ namespace }, callWith(signal)));
  if (!listed.ok) return listed;
  return { ok: true as const, value: (listed.value?.items ?? []).filter((budget) => selects(budget.spec?.selector, labels)) };
}

function budgetHeadroom(budget: V1PodDisruptionBudget): number {
  return budget.status?.disruptionsAllowed ?? 0;
}

async function deploymentFindings(apis: KubeApis, planned: PlannedAction, deployment: V1Deployment, signal: AbortSignal): Promise<DryRunFinding[]> {
  const namespace = planned.target.namespace ?? '';
  const replicas = deployment.spec?.replicas ?? 1;
  const ready = deployment.status?.readyReplicas ?? 0;
  const findings: DryRunFinding[] = [];
  const budgets = await budgetsFor(apis, namespace, deployment.spec?.template.metadata?.labels, signal);
  if (!budgets.ok) return [readFailed('PodDisruptionBudgets', budgets.failure)];
  const budget = budgets.value[0];
  // A paused deployment does not roll: a restart or rollback would wait, unseen, until someone resumes it.
  if (deployment.spec?.paused === true && planned.action !== 'scale_deployment') {
    findings.push({ check: 'parameters', ok: false, message: `deployment ${planned.target.name} is paused: resume it first` });
  }
  if (planned.action === 'scale_deployment') {
    const to = Number(planned.params['replicas']);
    const change = to - replicas;
    const effect = to === 0 ? 'every pod stops' : `${change >= 0 ? '+' : '−'}${count(Math.abs(change), 'pod')}`;
    findings.push({
      check: 'blast_radius',
      ok: true,
      ...(to === 0 && { warning: true }),
      message: `${replicas} → ${to} replicas (${ready} ready now): ${effect}`,
    });
    const minimum = budget?.spec?.minAvailable;
    if (budget !== undefined && typeof minimum === 'number' && to < minimum) {
      findings.push({
        check: 'pdb',
        ok: true,
        warning: true,
        message: `scales below ${budget.metadata?.name} minAvailable ${minimum} (PDBs do not block scaling)`,
      });
    }
    return findings;
  }
  if (planned.action === 'set_resources') findings.push(...resourcesFindings(deployment, planned.params as ResourceParams));
  else
    findings.push({
      check: 'blast_radius',
      ok: true,
      message: `replaces ${count(replicas, 'pod')} (${ready} ready now), rolling, as the deployment's strategy allows`,
    });
  if (budget !== undefined) {
    const headroom = budgetHeadroom(budget);
    findings.push({
      check: 'pdb',
      ok: true,
      ...(headroom === 0 && { warning: true }),
      message:
        headroom > 0
          ? `${budget.metadata?.name} allows ${count(headroom, 'disruption')}`
          : `${budget.metadata?.name} allows no disruption now; a rollout is not blocked by PDBs (it surges first) but capacity is tight`,
    });
  }
  return findings;
}

async function podFindings(apis: KubeApis, planned: PlannedAction, pod: V1Pod, signal: AbortSignal): Promise<DryRunFinding[]> {
  const budgets = await budgetsFor(apis, planned.target.namespace ?? '', pod.metadata?.labels, signal);
  if (!budgets.ok) return [readFailed('PodDisruptionBudgets', budgets.failure)];
  const names = budgets.value.map((budget) => budget.metadata?.name ?? '?');
  let pdb: DryRunFinding;
  if (budgets.value.length === 0) pdb = { check: 'pdb', ok: true, message: 'no PodDisruptionBudget covers this pod' };
  else if (budgets.value.length > 1) {
    pdb = {
      check: 'pdb',
      ok: false,
      message: `covered by several PodDisruptionBudgets (${names.join(', ')}): the Eviction API refuses it (500); a configuration error`,
    };
  } else {
    const budget = budgets.value[0]!;
    const headroom = budgetHeadroom(budget);
    pdb =
      headroom > 0
        ? { check: 'pdb', ok: true, message: `${names[0]} allows ${count(headroom, 'disruption')} (disruptionsAllowed)` }
        : {
            check: 'pdb',
            ok: false,
            message: `${names[0]} allows no disruption (${budget.status?.currentHealthy ?? 0} healthy, ${budget.status?.desiredHealthy ?? 0} needed): the Eviction API would answer 429`,
          };
  }
  const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller);
  const replacement =
    owner === undefined
      ? 'it has no controller and will not be replaced'
      : owner.kind === 'StatefulSet'
        ? `StatefulSet ${owner.name} recreates it under the same name (this replica is down meanwhile)`
        : `${owner.kind} ${owner.name} creates a replacement`;
  return [
    pdb,
    {
      check: 'blast_radius',
      ok: true,
      ...(owner?.kind !== 'ReplicaSet' && { warning: true }),
      message: `1 pod on ${pod.spec?.nodeName ?? 'no node'}; ${replacement}`,
    },
  ];
}

async function nodeFindings(apis: KubeApis, node: V1Node, signal: AbortSignal): Promise<DryRunFinding[]> {
  const name = node.metadata?.name ?? '';
  const pods = await attempt(signal, () => apis.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` }, callWith(signal)));
  if (!pods.ok) return [readFailed(`the pods on ${name}`, pods.failure)];
  const nodes = await attempt(signal, () => apis.core.listNode({}, callWith(signal)));
  if (!nodes.ok) return [readFailed('the nodes', nodes.failure)];
  const all = nodes.value?.items ?? [];
  const schedulable = all.filter((other) => other.spec?.unschedulable !== true && other.metadata?.name !== name).length;
  const already = node.spec?.unschedulable === true ? `; ${name} is already cordoned (no-op)` : '';
  return [
    {
      check: 'blast_radius',
      ok: true,
      message: `${count(pods.value?.items.length ?? 0, 'pod')} keep running on ${name}; no new pods there; ${schedulable} of ${all.length} nodes stay schedulable${already}`,
    },
  ];
}

async function claimFindings(apis: KubeApis, planned: PlannedAction, claim: V1PersistentVolumeClaim, signal: AbortSignal): Promise<DryRunFinding[]> {
  const pods = await attempt(signal, () => apis.core.listNamespacedPod({ namespace: planned.target.namespace ?? '' }, callWith(signal)));
  if (!pods.ok) return [readFailed('the pods that may mount it', pods.failure)];
  const mounting = (pods.value?.items ?? [])
    .filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')
    .filter((pod) => pod.spec?.volumes?.some((volume) => volume.persistentVolumeClaim?.claimName === planned.target.name))
    .map((pod) => pod.metadata?.name ?? '?');
  const size = claim.spec?.resources?.requests?.['storage'] ?? 'unknown size';
  return [
    { check: 'blast_radius', ok: true, warning: true, message: `1 volume claim of ${size}; its data is lost unless the volume's reclaim policy is Retain` },
    mounting.length > 0
      ? { check: 'existence', ok: false, message: `mounted by pod ${mounting.join(', ')}: pvc-protection would leave it Terminating; refused` }
      : { check: 'existence', ok: true, message: 'not mounted by any running pod' },
  ];
}

async function namespaceFindings(apis: KubeApis, name: string, signal: AbortSignal): Promise<DryRunFinding[]> {
  const options = callWith(signal);
  const [deployments, pods, claims] = await Promise.all([
    attempt(signal, () => apis.apps.listNamespacedDeployment({ namespace: name }, options)),
    attempt(signal, () => apis.core.listNamespacedPod({ namespace: name }, options)),
    attempt(signal, () => apis.core.listNamespacedPersistentVolumeClaim({ namespace: name }, options)),
  ]);
  if (!deployments.ok || !pods.ok || !claims.ok) return [{ check: 'blast_radius', ok: false, message: `could not count what namespace ${name} holds` }];
  const inside = [
    count(deployments.value?.items.length ?? 0, 'deployment'),
    count(pods.value?.items.length ?? 0, 'pod'),
    count(claims.value?.items.length ?? 0, 'volume claim'),
  ];
  return [{ check: 'blast_radius', ok: true, warning: true, message: `deletes ${inside.join(', ')} and everything else in ${name}` }];
}

/** Blast radius, PDB headroom and the kind's own refusals, read from the cluster. Never changes anything. */
export function targetFindings(apis: KubeApis, planned: PlannedAction, found: FoundObject, signal: AbortSignal): Promise<DryRunFinding[]> {
  switch (found.kind) {
    case 'Deployment':
      return deploymentFindings(apis, planned, found.object, signal);
    case 'Pod':
      return podFindings(apis, planned, found.object, signal);
    case 'Node':
      return nodeFindings(apis, found.object, signal);
    case 'PersistentVolumeClaim':
      return claimFindings(apis, planned, found.object, signal);
    case 'Namespace':
      return namespaceFindings(apis, planned.target.name, signal);
  }
}
