import type { BrainObserver } from '../brain/brain-chain.ts';
import { chainOf } from '../config/brain-settings.ts';
import type { Config } from '../config/config-schema.ts';
import type { Metrics } from '../http/metrics.ts';
import { cardCost } from '../cards/card-cost.ts';
import type { Prices } from '../finops/pricing.ts';
import type { BrainPort, DiagnosisInput } from '../ports/brain-port.ts';
import type { ClusterPort } from '../ports/cluster-port.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { loadVaultKey } from '../privacy/vault-key.ts';
import type { DatabaseHandle } from '../storage/open-database.ts';
import { chooseBrain } from './choose-brain.ts';

const breakerValue = { closed: 0, half_open: 1, open: 2 } as const;

/** Model calls, tokens, fallbacks and breaker states into /metrics. */
export function metricsObserver(metrics: Metrics): BrainObserver {
  return {
    modelCall: ({ provider, model, outcome, seconds, inputTokens, outputTokens }) => {
      metrics.modelRequestSeconds.observe({ provider, model, outcome }, seconds);
      if (inputTokens > 0) metrics.modelTokens.inc({ provider, model, direction: 'input' }, inputTokens);
      if (outputTokens > 0) metrics.modelTokens.inc({ provider, model, direction: 'output' }, outputTokens);
    },
    fallback: ({ from, reason }) => metrics.brainFallbacks.inc({ from, reason }),
    breaker: (provider, state) => metrics.modelBreakerState.set({ provider }, breakerValue[state]),
  };
}

/**
 * The bot's brain: the rules alone when no model is configured; otherwise the chain, with incident vaults
 * sealed in the database under the vault key (which a model makes necessary: refused at start when missing).
 */
export function wireBrain(
  config: Config,
  database: Pick<DatabaseHandle, 'db' | 'embedded'>,
  wiring: { clock: Clock; log: Logger; metrics: Metrics },
): { ok: true; brain: BrainPort; asksModels: boolean } | { ok: false; errors: string[] } {
  if (chainOf(config.brain).length === 0) return { ok: true, brain: chooseBrain(config.brain), asksModels: false };
  const key = loadVaultKey({ configuredKey: config.privacy.vaultKey, dataDir: config.storage.dataDir, embedded: database.embedded });
  if (!key.ok) return { ok: false, errors: [`AWOOOI_VAULT_KEY: ${key.error.message}`] };
  const brain = chooseBrain(config.brain, {
    vaults: { db: database.db, key: key.key },
    clock: wiring.clock,
    log: wiring.log,
    observer: metricsObserver(wiring.metrics),
  });
  return { ok: true, brain, asksModels: true };
}

/** The card's cost at stake for a brain's question: the alerting services, then the blast radius, priced on the cluster. */
export async function questionCost(question: DiagnosisInput, cluster: ClusterPort, prices: Prices, timeoutMilliseconds: number): Promise<string | null> {
  const namespaceOf = (service: string) =>
    question.topology.find((entry) => entry.service === service)?.namespace ??
    question.alerts.find((alert) => alert.service === service && alert.labels['namespace'])?.labels['namespace'];
  const services = [...question.services, ...question.analysis.blastRadius.map((entry) => entry.service)];
  const cost = await cardCost({ services, namespaceOf, proposal: null }, cluster, prices, timeoutMilliseconds);
  return cost?.text ?? null;
}
