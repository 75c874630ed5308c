import { z } from 'zod';
import { splitUrlCredentials } from '../../src/domain/url-credentials.ts';

/** One series of a query answer: its labels and its samples as [unix seconds, value]. */
export interface PrometheusSeries {
  labels: Record<string, string>;
  samples: { at: Date; value: number }[];
}

/** An error of the HTTP API; `retryable` for network trouble, 5xx and 503 (Prometheus starting, overloaded). */
export class PrometheusError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = 'PrometheusError';
    this.retryable = retryable;
  }
}

// Deliberately partial: the fields we read. Values are strings in the API ("NaN", "+Inf" included).
const sample = z.tuple([z.number(), z.string()]);
const answerSchema = z.object({
  status: z.enum(['success', 'error']),
  error: z.string().optional(),
  errorType: z.string().optional(),
  data: z
    .object({
      resultType: z.enum(['matrix', 'vector', 'scalar', 'string']),
      result: z.unknown(),
    })
    .optional(),
});
const vectorSchema = z.array(z.object({ metric: z.record(z.string(), z.string()), value: sample }));
const matrixSchema = z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sample) }));

/** Largest answer read: a scan of a big cluster is a few MB; more means a wrong query, not data we want. */
const maximumBytes = 32 * 1024 * 1024;

/**
 * A small client of Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`) over fetch: PromQL in, series out.
 * Non-finite values (NaN from a division by zero) are dropped, not passed on as numbers.
 */
export class PrometheusClient {
  /** Without credentials: safe to show. */
  readonly url: string;
  readonly #headers: Record<string, string>;

  constructor(configured: string) {
    const { url, authorization } = splitUrlCredentials(configured);
    this.url = url.endsWith('/') ? url : `${url}/`;
    this.#headers = { accept: 'application/json', ...(authorization === undefined ? {} : { authorization }) };
  }

  /** An instant query at `at`. */
  async query(promql: string, at: Date, signal: AbortSignal): Promise<PrometheusSeries[]> {
    const result = await this.#get('api/v1/query', { query: promql, time: seconds(at) }, signal);
    if (result.resultType !== 'vector') throw new PrometheusError(`expected a vector, got ${result.resultType}`, false);
    const parsed = vectorSchema.safeParse(result.result);
    if (!parsed.success) throw new PrometheusError('the vector answer has an unexpected shape', false);
    return parsed.data.map((entry) => ({ labels: entry.metric, samples: finite([entry.value]) }));
  }

  /** A range query from `start` to `end` every `stepSeconds`. */
  async queryRange(promql: string, start: Date, end: Date, stepSeconds: number, signal: AbortSignal): Promise<PrometheusSeries[]> {
    const result = await this.#get('api/v1/query_range', { query: promql, start: seconds(start), end: seconds(end), step: String(stepSeconds) }, signal);
    if (result.resultType !== 'matrix') throw new PrometheusError(`expected a matrix, got ${result.resultType}`, false);
    const parsed = matrixSchema.safeParse(result.result);
    if (!parsed.success) throw new PrometheusError('the matrix answer has an unexpected shape', false);
    return parsed.data.map((entry) => ({ labels: entry.metric, samples: finite(entry.values) }));
  }

  async #get(path: string, parameters: Record<string, string>, signal: AbortSignal): Promise<{ resultType: string; result: unknown }> {
    const url = new URL(path, this.url);
    let response: Response;
    try {
      // POST with a form body: long PromQL does not hit URL length limits (the API accepts both).
      response = await fetch(url, { method: 'POST', body: new URLSearchParams(parameters), signal, headers: this.#headers });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new PrometheusError(`Prometheus at ${this.url} did not answer: ${(error as Error).message}`, true);
    }
    const text = await response.text();
    if (text.length > maximumBytes) throw new PrometheusError(`Prometheus answered more than ${maximumBytes} bytes`, false);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusError(`Prometheus answered ${response.status} without JSON`, response.status >= 500);
    }
    const answer = answerSchema.safeParse(body);
    if (!answer.success) throw new PrometheusError(`Prometheus answered ${response.status} in an unexpected shape`, response.status >= 500);
    if (answer.data.status === 'error' || answer.data.data === undefined) {
      const retryable = response.status >= 500 || answer.data.errorType === 'timeout' || answer.data.errorType === 'unavailable';
      throw new PrometheusError(
        `Prometheus refused the query (${answer.data.errorType ?? response.status}): ${answer.data.error ?? 'no reason given'}`,
        retryable,
      );
    }
    return answer.data.data;
  }
}

function seconds(at: Date): string {
  return (at.getTime() / 1000).toFixed(3);
}

function finite(samples: readonly [number, string][]): PrometheusSeries['samples'] {
  return samples.map(([at, value]) => ({ at: new Date(at * 1000), value: Number(value) })).filter((entry) => Number.isFinite(entry.value));
}
