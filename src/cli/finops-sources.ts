import type { Config } from '../config/config-schema.ts';
import type { ScanDependencies } from '../finops/scan-waste.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterPort } from '../ports/cluster-port.ts';
import { OpenCostAllocation } from '../../adapters/opencost/opencost-allocation.ts';
import { PrometheusUsage } from '../../adapters/prometheus/prometheus-usage.ts';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { SimulatedUsageHistory } from '../../adapters/sandbox/simulated-usage-history.ts';

/**
 * What a FinOps scan reads, from the configuration: a real Prometheus with PROMETHEUS_URL; else, on the sandbox, its
 * simulated usage history (said so on every report); else none (a real cluster's figures are never simulated).
 * OpenCost with OPENCOST_URL.
 */
export function finopsSources(config: Config, cluster: ClusterPort, clock: Clock): ScanDependencies {
  const { prometheusUrl, opencostUrl } = config.finops;
  const usage =
    prometheusUrl !== undefined ? new PrometheusUsage(prometheusUrl) : cluster instanceof SandboxCluster ? new SimulatedUsageHistory(cluster) : null;
  return {
    cluster,
    usage,
    allocation: opencostUrl === undefined ? null : new OpenCostAllocation(opencostUrl),
    prices: config.prices,
    clock,
    zombieDays: config.finops.zombieDays,
    minimumMonthly: config.finops.minimumMonthly,
    timeoutMilliseconds: config.cluster.timeoutSeconds * 1000,
  };
}
