import type { Config } from '../config/config-schema.ts';
import { deadline } from '../ports/call-options.ts';
import { checkCluster } from '../../adapters/kubernetes/cluster-check.ts';
import { openKubernetesCluster } from './open-kubernetes-cluster.ts';

/**
 * `awoooi cluster check [--json]`: per catalog action, may the bot run it (SelfSubjectAccessReview) and where.
 * Exit 0 when every action may run everywhere in scope, 1 when something is missing, 2 when it cannot ask.
 */
export async function clusterCheckCommand(
  config: Config,
  options: { json: boolean; cluster?: string | undefined },
  output: NodeJS.WritableStream,
  errors: NodeJS.WritableStream,
): Promise<number> {
  const cluster = openKubernetesCluster(config, 'the cluster is the sandbox (simulated); check needs a real one', errors, options.cluster);
  if (cluster === null) return 2;
  let checks: Awaited<ReturnType<typeof checkCluster>>;
  try {
    checks = await checkCluster(cluster.apis, cluster.scope.namespaces, deadline(config.cluster.timeoutSeconds * 1000));
  } catch (error) {
    errors.write(`awoooi: the API server did not answer: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const allowed = checks.every((check) => check.scopes.every((scope) => scope.allowed));
  if (options.json) {
    output.write(`${JSON.stringify({ cluster: cluster.description, allowed, actions: checks }, null, 2)}\n`);
    return allowed ? 0 : 1;
  }
  output.write(`${cluster.description}\n`);
  const width = Math.max(...checks.map((check) => check.action.length));
  for (const check of checks) {
    const places = check.scopes.map((scope) => (scope.allowed ? `${scope.scope}: yes` : `${scope.scope}: NO (missing ${scope.missing.join(', ')})`));
    output.write(`  ${check.action.padEnd(width)}  ${places.join('; ')}\n`);
  }
  output.write(
    allowed
      ? 'every catalog action may run\n'
      : 'some actions may not run: grant the missing verbs (deploy/kubernetes/rbac.yaml) or expect their dry-runs to fail\n',
  );
  return allowed ? 0 : 1;
}
