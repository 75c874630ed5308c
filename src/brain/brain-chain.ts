import { canonicalJson } from '../domain/canonical-json.ts';
import type { BrainPort, Diagnosis, DiagnoseOptions, DiagnosisInput, DiagnosisResult, Thought } from '../ports/brain-port.ts';
import { deadline, failureText } from '../ports/call-options.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import { type Logger, silentLogger } from '../ports/logger.ts';
import type { ModelError, ModelPort, ModelRequest, ModelResult } from '../ports/model-port.ts';
import { type BreakerSettings, type BreakerState, CircuitBreaker } from './circuit-breaker.ts';
import { incidentScope } from './incident-scope.ts';
import type { IncidentVaults } from './incident-vaults.ts';
import { modelRequest } from './model-request.ts';
import type { PromptTemplate } from './prompt-template.ts';
import { partialDiagnosis } from './partial-diagnosis.ts';
import type { PseudonymVault } from '../privacy/pseudonym-vault.ts';
import { forPeople, readModelAnswer } from './read-model-answer.ts';
import { diagnoseWithRules } from './rule-brain.ts';

/** Whether topology names are pseudonymized: for cloud models only (`auto`), always, or never. */
export type NamePseudonymization = 'auto' | 'always' | 'never';

/** What the chain reports for /metrics. */
export interface BrainObserver {
  modelCall(event: { provider: string; model: string; outcome: 'ok' | ModelError['code']; seconds: number; inputTokens: number; outputTokens: number }): void;
  fallback(event: { from: string; reason: ModelError['code'] | 'circuit_open' | 'vault' }): void;
  breaker(provider: string, state: BreakerState): void;
}

export interface BrainChainOptions {
  /** In the order they are asked; rules always answer last. */
  models: readonly ModelPort[];
  vaults: IncidentVaults;
  prompt: PromptTemplate;
  pseudonymizeNames: NamePseudonymization;
  /** Deadline of one call to one provider, within the diagnosis's own deadline. */
  callTimeoutMilliseconds: number;
  /** Further attempts at the same provider after a retryable failure. */
  retries: number;
  breaker: BreakerSettings;
  clock?: Clock;
  log?: Logger;
  observer?: BrainObserver;
  /** Waits between attempts; tests pass one that does not sleep. */
  wait?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
}

// A provider that asks for a longer pause than this is passed over for the next one.
const maximumRetryWaitMilliseconds = 5_000;

const label = (model: ModelPort) => `${model.provider} ${model.model}`;

/**
 * The brain when models are configured: asks each in order (retrying retryable failures, skipping a provider
 * whose breaker is open), and answers with the rules when none gave a usable answer, so an incident is never
 * left without a diagnosis. What goes out is pseudonymized in the incident's vault; what comes back is read as
 * hostile (read-model-answer.ts). The diagnosis says which brain spoke and, after a fallback, why.
 */
export class BrainChain implements BrainPort {
  readonly description: string;
  readonly #options: BrainChainOptions;
  readonly #breakers: CircuitBreaker[];
  readonly #log: Logger;

  constructor(options: BrainChainOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLogger;
    this.#breakers = options.models.map(() => new CircuitBreaker(options.breaker, options.clock ?? systemClock));
    this.description = `${[...options.models.map((model) => `${label(model)} (${model.local ? 'local' : 'cloud'})`), 'rules'].join(' → ')}`;
  }

  async diagnose(input: DiagnosisInput, { signal, onThought }: DiagnoseOptions): Promise<DiagnosisResult> {
    const rules = diagnoseWithRules(input);
    const { models, observer } = this.#options;
    const log = this.#log.child({ incidentId: input.incidentId });
    const hides = (model: ModelPort) => this.#options.pseudonymizeNames === 'always' || (this.#options.pseudonymizeNames === 'auto' && !model.local);
    const prepared = await this.#options.vaults.update(input.incidentId, (vault) => {
      const shielded = new Map<boolean, ModelRequest>();
      for (const names of new Set(models.map(hides))) shielded.set(names, modelRequest(input, vault, { names }, this.#options.prompt));
      return shielded;
    });
    if (!prepared.ok) {
      log.error({ reason: prepared.message }, 'incident vault cannot be opened: nothing sent to any model, rules answer');
      observer?.fallback({ from: models[0] ? label(models[0]) : 'none', reason: 'vault' });
      return { ok: true, diagnosis: { ...rules, by: `rules (vault: ${prepared.message})` } };
    }
    const scope = incidentScope(input);
    const why: string[] = [];
    for (const [index, model] of models.entries()) {
      if (signal.aborted) break;
      const breaker = this.#breakers[index]!;
      if (!breaker.allow()) {
        why.push(`${label(model)}: skipped, it failed ${this.#options.breaker.failures} times in a row`);
        observer?.fallback({ from: label(model), reason: 'circuit_open' });
        continue;
      }
      const result = await this.#ask(model, prepared.value.get(hides(model))!, signal, onThought && thinking(model, prepared.vault, onThought));
      const read = result.ok ? readModelAnswer(result.answer.text, prepared.vault, scope) : result;
      if (!read.ok) {
        breaker.failed();
        observer?.breaker(model.provider, breaker.state);
        observer?.fallback({ from: label(model), reason: read.error.code });
        log.warn({ provider: model.provider, model: model.model, code: read.error.code, reason: read.error.message }, 'model gave no usable answer');
        why.push(`${label(model)}: ${read.error.message}`);
        continue;
      }
      breaker.succeeded();
      observer?.breaker(model.provider, breaker.state);
      const answered = result.ok ? result.answer.model : model.model;
      for (const refused of read.answer.refused)
        log.warn({ provider: model.provider, reason: refused.reason, proposal: refused.proposal }, 'model proposal refused');
      log.info({ provider: model.provider, model: answered, kept: read.answer.proposals.length, refused: read.answer.refused.length }, 'model diagnosed');
      const diagnosis: Diagnosis = {
        source: 'llm',
        by: `${model.provider} ${answered}${why.length === 0 ? '' : ` (after ${why.join('; ')})`}`,
        summary: read.answer.summary,
        proposals: withRuleProposals(read.answer.proposals, rules.proposals),
        refused: read.answer.refused,
      };
      return { ok: true, diagnosis };
    }
    if (signal.aborted) why.push('the diagnosis deadline passed');
    return { ok: true, diagnosis: { ...rules, by: `rules (${why.join('; ')})` } };
  }

  /** One provider: attempts until an answer, a failure not worth repeating, or no more retries. */
  async #ask(model: ModelPort, request: ModelRequest, outer: AbortSignal, onText?: (soFar: string) => void): Promise<ModelResult> {
    const { retries, callTimeoutMilliseconds, observer } = this.#options;
    let result: ModelResult = { ok: false, error: { code: 'failed', message: 'not asked', retryable: false } };
    for (let attempt = 0; attempt <= retries && !outer.aborted; attempt++) {
      const started = performance.now();
      const signal = deadline(callTimeoutMilliseconds, outer);
      try {
        result = await untilAborted(model.complete(request, onText ? { signal, onText } : { signal }), signal);
      } catch (error) {
        // An adapter bug, or one that ignores its signal, must not cost the incident its diagnosis: the next link answers.
        result = signal.aborted
          ? { ok: false, error: { code: 'timeout', message: `${model.provider}: ${failureText(error, signal)}`, retryable: true } }
          : { ok: false, error: { code: 'failed', message: `${model.provider}: ${failureText(error)}`, retryable: false } };
      }
      observer?.modelCall({
        provider: model.provider,
        model: model.model,
        outcome: result.ok ? 'ok' : result.error.code,
        seconds: (performance.now() - started) / 1000,
        inputTokens: result.ok ? (result.answer.usage?.inputTokens ?? 0) : 0,
        outputTokens: result.ok ? (result.answer.usage?.outputTokens ?? 0) : 0,
      });
      if (result.ok || !result.error.retryable || attempt === retries) return result;
      const pause = result.error.retryAfterSeconds === undefined ? 500 * 2 ** attempt : result.error.retryAfterSeconds * 1000;
      if (pause > maximumRetryWaitMilliseconds) return result;
      await (this.#options.wait ?? wait)(pause, outer);
    }
    return result;
  }
}

/** Streamed text to thoughts: the diagnosis so far, for people, each change once. */
function thinking(model: ModelPort, vault: PseudonymVault, onThought: (thought: Thought) => void): (soFar: string) => void {
  let last = '';
  return (soFar) => {
    const text = partialDiagnosis(soFar);
    if (text === null || text === last) return;
    last = text;
    onThought({ by: label(model), text: forPeople(text, vault) });
  };
}

/** The model's proposals first; the rules' after them, so a model that proposed nothing usable still leaves the rules' action. */
function withRuleProposals(model: Diagnosis['proposals'], rules: Diagnosis['proposals']): Diagnosis['proposals'] {
  const seen = new Set(model.map((proposal) => canonicalJson(proposal.planned)));
  return [...model, ...rules.filter((proposal) => !seen.has(canonicalJson(proposal.planned)))];
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
  ]);
}

function wait(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
