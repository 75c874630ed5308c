/**
 * Labels that name an alert's service, most specific first (DESIGN.md §4). The order is the contract;
 * it is configurable because e.g. kube-state-metrics alerts carry `service="kube-state-metrics"`.
 */
export const defaultServiceLabels: readonly string[] = [
  'service',
  'app.kubernetes.io/name',
  'app',
  'deployment',
  'statefulset',
  'daemonset',
  'job_name',
  'container',
  'pod',
];

// Kubernetes draws generated suffixes from this alphabet (k8s.io/apimachinery/pkg/util/rand):
// no vowels, no 0/1/3, so that random names never spell words.
const safe = '[bcdfghjklmnpqrstvwxz24-9]';
// pod-template-hash is the decimal FNV-32 hash passed through SafeEncodeString, which maps
// the digits 0-9 onto "4-9bcdf" only; usually 8-10 characters.
const templateHash = '[4-9bcdf]{4,10}';

// Deployment/ReplicaSet (also Argo Rollouts): <name>-<pod-template-hash>-<5 random>.
const replicaSetPod = new RegExp(`^(.+)-${templateHash}-${safe}{3,5}$`);
// DaemonSet and Job: <name>-<5 random>.
const generatedPod = new RegExp(`^(.+)-${safe}{5}$`);
// CronJob's Job is <cronjob>-<scheduled time in minutes since the epoch>.
const cronJobRun = /^(.+)-\d{8,}$/;
// StatefulSet: <name>-<ordinal>.
const statefulSetPod = /^(.+)-\d+$/;

/**
 * The service an alert is about: the value of the first label of `order` that is present and non-empty.
 * A `pod` value loses its controller-generated suffix (`api-7d9f8b6c5d-x2k4p` → `api`, `db-0` → `db`).
 * Null when no label names a service.
 */
export function serviceOfAlert(labels: Record<string, string>, order: readonly string[] = defaultServiceLabels): string | null {
  for (const label of order) {
    const value = labels[label]?.trim();
    if (!value) continue;
    return label === 'pod' ? workloadOfPod(value) : value;
  }
  return null;
}

function workloadOfPod(pod: string): string {
  const replicaSet = replicaSetPod.exec(pod);
  if (replicaSet) return replicaSet[1]!;
  const generated = generatedPod.exec(pod);
  if (generated) return cronJobRun.exec(generated[1]!)?.[1] ?? generated[1]!;
  return statefulSetPod.exec(pod)?.[1] ?? pod;
}
