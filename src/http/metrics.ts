import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, on their own registry. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'awoooi_' });
  return {
    registry,
    alertsReceived: new Counter({ name: 'awoooi_alerts_received_total', help: 'Alerts stored, by source', labelNames: ['source'], registers: [registry] }),
    alertsRejected: new Counter({
      name: 'awoooi_alerts_rejected_total',
      help: 'Webhook calls refused, by source and reason',
      labelNames: ['source', 'reason'],
      registers: [registry],
    }),
    jobErrors: new Counter({
      name: 'awoooi_job_queue_errors_total',
      help: 'Errors the job queue reported (a failed poll or maintenance run), by kind (database, other)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    jobsOrphaned: new Counter({
      name: 'awoooi_jobs_orphaned_total',
      help: 'Jobs of a process that stopped, retried by this one, by queue',
      labelNames: ['queue'],
      registers: [registry],
    }),
    jobsExhausted: new Counter({
      name: 'awoooi_jobs_exhausted_total',
      help: 'Jobs that failed on every attempt and were given up, by queue',
      labelNames: ['queue'],
      registers: [registry],
    }),
    modelRequestSeconds: new Histogram({
      name: 'awoooi_model_request_duration_seconds',
      help: 'Calls to language models, by provider, model and outcome (ok, timeout, rate_limited, …)',
      labelNames: ['provider', 'model', 'outcome'],
      buckets: [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
      registers: [registry],
    }),
    modelTokens: new Counter({
      name: 'awoooi_model_tokens_total',
      help: 'Tokens language models read (input) and wrote (output), by provider and model',
      labelNames: ['provider', 'model', 'direction'],
      registers: [registry],
    }),
    brainFallbacks: new Counter({
      name: 'awoooi_brain_fallbacks_total',
      help: 'Diagnoses passed on from a model to the next link of the chain, by model and reason',
      labelNames: ['from', 'reason'],
      registers: [registry],
    }),
    modelBreakerState: new Gauge({
      name: 'awoooi_model_breaker_state',
      help: 'Circuit breaker per provider: 0 closed, 1 half open, 2 open (skipped)',
      labelNames: ['provider'],
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'awoooi_http_request_duration_seconds',
      help: 'HTTP answer time by route',
      labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
