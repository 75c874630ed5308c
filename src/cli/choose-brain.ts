import { isIP } from 'node:net';
import type { Buffer } from 'node:buffer';
import type { Kysely } from 'kysely';
import { BrainChain, type BrainObserver } from '../brain/brain-chain.ts';
import { databaseVaults, ephemeralVaults } from '../brain/incident-vaults.ts';
import { PromptTemplate } from '../brain/prompt-template.ts';
import { RuleBrain } from '../brain/rule-brain.ts';
import { type BrainSettings, chainOf } from '../config/brain-settings.ts';
import type { BrainPort } from '../ports/brain-port.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ModelPort } from '../ports/model-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { AnthropicModel } from '../../adapters/anthropic/anthropic-model.ts';
import { OllamaModel } from '../../adapters/ollama/ollama-model.ts';
import { OpenAiModel } from '../../adapters/openai/openai-model.ts';

/** The prompt the brain uses; a new version is a new file, and this line says which one runs. */
export const diagnosisPrompt = { name: 'diagnose-incident', version: 1 };

export const defaultOllamaHost = 'http://127.0.0.1:11434';

export interface BrainWiring {
  /** Where incident vaults are sealed; without it (offline analysis) each call has a fresh vault. */
  vaults?: { db: Kysely<DatabaseSchema>; key: Buffer };
  clock?: Clock;
  log?: Logger;
  observer?: BrainObserver;
}

/**
 * A server on the operator's own network: loopback, a private or link-local address, or a name that only
 * resolves inside it (no dot, `.local`, `.internal`, `.svc`, `.cluster.local`).
 */
export function isLocalEndpoint(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host);
  if (isIP(host) === 6) return host === '::1' || /^f[cd]/.test(host) || host.startsWith('fe80:');
  return !host.includes('.') || /\.(local|internal|svc|cluster\.local)$/.test(host);
}

/** The configured providers as model adapters, in chain order. */
export function chooseModels(brain: BrainSettings): ModelPort[] {
  return chainOf(brain).map((link): ModelPort => {
    if (link === 'ollama') return new OllamaModel({ host: brain.ollama.host ?? defaultOllamaHost, model: brain.ollama.model });
    if (link === 'openai') {
      const { apiKey, baseUrl, model } = brain.openai;
      return new OpenAiModel({ apiKey, baseUrl, model, local: brain.openai.local ?? (baseUrl !== undefined && isLocalEndpoint(baseUrl)) });
    }
    return new AnthropicModel({ apiKey: brain.anthropic.apiKey ?? '', baseUrl: brain.anthropic.baseUrl, model: brain.anthropic.model });
  });
}

/** The chain in words for `config check`: "ollama llama3.1:8b (local) → anthropic claude-… (cloud, names pseudonymized) → rules". */
export function brainChainText(brain: BrainSettings): string {
  const hides = (local: boolean) => brain.pseudonymizeNames === 'always' || (brain.pseudonymizeNames === 'auto' && !local);
  const links = chooseModels(brain).map(
    (model) => `${model.provider} ${model.model} (${model.local ? 'local' : 'cloud'}${hides(model.local) ? ', names pseudonymized' : ''})`,
  );
  return [...links, 'rules'].join(' → ');
}

/** The rules alone when no model is configured; otherwise the chain of models, ending with the rules. */
export function chooseBrain(brain: BrainSettings, wiring: BrainWiring = {}): BrainPort {
  const models = chooseModels(brain);
  if (models.length === 0) return new RuleBrain();
  return new BrainChain({
    models,
    vaults: wiring.vaults ? databaseVaults(wiring.vaults.db, wiring.vaults.key) : ephemeralVaults,
    prompt: PromptTemplate.load(diagnosisPrompt.name, diagnosisPrompt.version),
    pseudonymizeNames: brain.pseudonymizeNames,
    callTimeoutMilliseconds: brain.callTimeoutSeconds * 1000,
    retries: brain.retries,
    breaker: { failures: brain.breakerFailures, cooldownMilliseconds: brain.breakerCooldownSeconds * 1000 },
    ...(wiring.clock ? { clock: wiring.clock } : {}),
    ...(wiring.log ? { log: wiring.log } : {}),
    ...(wiring.observer ? { observer: wiring.observer } : {}),
  });
}
