import type { Config } from '../config/config-schema.ts';
import { finopsCard, renderFinOpsText } from '../finops/render-finops-report.ts';
import { scanWaste } from '../finops/scan-waste.ts';
import { systemClock } from '../ports/clock.ts';
import type { ClusterPort } from '../ports/cluster-port.ts';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { finopsSources } from './finops-sources.ts';
import { openKubernetesCluster } from './open-kubernetes-cluster.ts';

/**
 * `awoooi finops scan [--json]`: what the cluster wastes, read-only. The sandbox (with its simulated usage history)
 * unless AWOOOI_CLUSTER=kubernetes; usage from PROMETHEUS_URL, costs from OPENCOST_URL where set. Exit 0 with a
 * report, 2 when there is none (the cluster could not be read). Proposals are made in chat (`/awoooi finops propose`).
 */
export async function finopsScanCommand(
  config: Config,
  options: { json: boolean },
  output: NodeJS.WritableStream,
  errors: NodeJS.WritableStream,
): Promise<number> {
  let cluster: ClusterPort | null;
  if (config.cluster.kind === 'sandbox') cluster = SandboxCluster.withDemoData();
  else cluster = openKubernetesCluster(config, 'finops scan', errors);
  if (cluster === null) return 2;
  const scanned = await scanWaste(finopsSources(config, cluster, systemClock));
  if (!scanned.ok) {
    errors.write(`awoooi: ${scanned.error.message}\n`);
    return 2;
  }
  output.write(options.json ? `${JSON.stringify(scanned.report, null, 2)}\n` : `${renderFinOpsText(finopsCard(scanned.report, 20), false)}\n`);
  return 0;
}
