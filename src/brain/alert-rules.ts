import { validatePlannedAction } from '../actions/action-catalog.ts';
import type { DiagnosisAlert, DiagnosisInput } from '../ports/brain-port.ts';
import type { ActionTarget, PlannedAction } from '../ports/cluster-port.ts';
import { owningDeployment } from './owning-deployment.ts';

/** What one rule made of one alert: a sentence for the summary and, maybe, an action. */
export interface RuleOutcome {
  note: string;
  proposal: { planned: PlannedAction; reason: string } | null;
}

export interface RuleContext {
  topology: DiagnosisInput['topology'];
  /** Appended to every reason: how the alert relates to the ranked root cause. */
  evidence(alert: DiagnosisAlert): string;
}

type Rule = (alert: DiagnosisAlert, context: RuleContext) => RuleOutcome;

const diskAlerts = new Set([
  'KubePersistentVolumeFillingUp',
  'KubePersistentVolumeInodesFillingUp',
  'NodeFilesystemSpaceFillingUp',
  'NodeFilesystemAlmostOutOfSpace',
  'NodeFilesystemFilesFillingUp',
]);

/**
 * The rule covering an alert, null when none does. Matched by alert name (kube-prometheus / node-exporter
 * mixin names), except that any alert whose `reason` label is CrashLoopBackOff counts as a crash loop.
 */
export function applyAlertRule(alert: DiagnosisAlert, context: RuleContext): RuleOutcome | null {
  const rule = ruleFor(alert);
  return rule === null ? null : rule(alert, context);
}

function ruleFor(alert: DiagnosisAlert): Rule | null {
  if (alert.name === 'KubePodCrashLooping' || alert.labels['reason'] === 'CrashLoopBackOff') return crashLooping;
  if (alert.name === 'KubeDeploymentReplicasMismatch') return replicasMismatch;
  if (diskAlerts.has(alert.name)) return fillingUp;
  if (alert.name === 'TargetDown') return targetDown;
  if (alert.name === 'KubeNodeNotReady') return nodeNotReady;
  return null;
}

const crashLooping: Rule = (alert, context) => {
  const owner = owningDeployment(alert, context.topology);
  const pod = alert.labels['pod'];
  const what = pod ? `pod ${scoped(alert.labels['namespace'], pod)}` : `${alert.service ?? 'a workload'}`;
  if (!owner.ok) return { note: `${capitalize(what)} is crash-looping, but nothing is proposed: ${owner.why}.`, proposal: null };
  const deployment = where(owner.target);
  const reason = alert.labels['reason'] ? ` (${alert.labels['reason']})` : '';
  return action(
    { action: 'restart_deployment', target: owner.target, params: {} },
    `${alert.name}: ${what} is crash-looping${reason} since ${clock(alert.startsAt)}${context.evidence(alert)}`,
    `${capitalize(what)} is crash-looping: a rollout restart of deployment ${deployment} gives it fresh pods. ` +
      `If they crash again (typically after a bad release), rolling back ${deployment} to its previous revision is the alternative.`,
  );
};

const replicaKeys = ['desired_replicas', 'spec_replicas', 'replicas'];

/** The desired replica count when the alert carries it (a custom label or annotation), else null. */
function desiredReplicas(alert: DiagnosisAlert): number | null {
  for (const source of [alert.labels, alert.annotations]) {
    for (const key of replicaKeys) {
      const text = source[key]?.trim() ?? '';
      // Zero is never restored automatically: scaling to zero is an outage, not a repair.
      if (/^\d{1,3}$/.test(text) && Number(text) >= 1 && Number(text) <= 100) return Number(text);
    }
  }
  return null;
}

const replicasMismatch: Rule = (alert, context) => {
  const owner = owningDeployment(alert, context.topology);
  if (!owner.ok) return { note: `A deployment does not run all its replicas, but nothing is proposed: ${owner.why}.`, proposal: null };
  const deployment = where(owner.target);
  const desired = desiredReplicas(alert);
  const since = ` since ${clock(alert.startsAt)}${context.evidence(alert)}`;
  if (desired !== null) {
    return action(
      { action: 'scale_deployment', target: owner.target, params: { replicas: desired } },
      `${alert.name}: deployment ${deployment} does not run its desired ${desired} replicas${since}`,
      `Deployment ${deployment} does not run the ${desired} replicas it should: scale it back to ${desired}.`,
    );
  }
  return action(
    { action: 'restart_deployment', target: owner.target, params: {} },
    `${alert.name}: deployment ${deployment} does not run its desired replica count${since}`,
    `Deployment ${deployment} does not run all its replicas: a rollout restart replaces stuck pods ` +
      '(the alert does not say the desired count, so no scaling is proposed).',
  );
};

const fillingUp: Rule = (alert) => {
  const claim = alert.labels['persistentvolumeclaim'];
  const host = alert.labels['instance'] ?? alert.labels['node'] ?? 'a node';
  const mount = alert.labels['mountpoint'];
  const what = claim ? `Volume ${scoped(alert.labels['namespace'], claim)}` : `Filesystem ${mount ? `${mount} ` : ''}on ${host}`;
  return {
    note: `${what} is filling up (${alert.name}): no automatic action, freeing space or expanding storage needs a human decision.`,
    proposal: null,
  };
};

const targetDown: Rule = (alert, context) => {
  const owner = owningDeployment(alert, context.topology);
  const job = alert.labels['job'] ?? alert.labels['service'] ?? alert.service ?? 'a target';
  if (!owner.ok) return { note: `Prometheus cannot scrape ${job}, but nothing is proposed: ${owner.why}.`, proposal: null };
  const deployment = where(owner.target);
  return action(
    { action: 'restart_deployment', target: owner.target, params: {} },
    `${alert.name}: Prometheus cannot scrape ${job} in ${owner.target.namespace ?? ''} since ${clock(alert.startsAt)}${context.evidence(alert)}`,
    `Prometheus cannot scrape ${job}: a rollout restart of deployment ${deployment} replaces its pods.`,
  );
};

const nodeNotReady: Rule = (alert) => {
  const node = alert.labels['node']?.trim();
  if (!node) return { note: 'A node is NotReady, but the alert does not name it: nothing is proposed.', proposal: null };
  return action(
    { action: 'cordon_node', target: { kind: 'Node', name: node }, params: {} },
    `${alert.name}: node ${node} has been NotReady since ${clock(alert.startsAt)}`,
    `Node ${node} is NotReady: cordoning it keeps new pods off it while it is investigated (running pods stay).`,
  );
};

/** A proposal, unless the catalog refuses what the labels gave (then the note says why). */
function action(planned: PlannedAction, reason: string, note: string): RuleOutcome {
  const validated = validatePlannedAction(planned);
  if (!validated.ok) return { note: `${note} Not proposed: ${validated.error.message}.`, proposal: null };
  return { note, proposal: { planned: validated.action, reason } };
}

function where(target: ActionTarget): string {
  return target.namespace === undefined ? target.name : `${target.namespace}/${target.name}`;
}

function scoped(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "10:00:00Z", as the root-cause evidence writes times. */
export function clock(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(11, 19)}Z`;
}
