import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../adapters/sandbox/sandbox-cluster.ts';
import { buildIncidentCard } from '../../src/cards/build-incident-card.ts';
import { createJobQueue } from '../../src/cli/create-job-queue.ts';
import { waitFor } from '../../src/cli/wait-for.ts';
import { InProcessEventBus } from '../../src/events/in-process-event-bus.ts';
import { defaultPrices } from '../../src/finops/pricing.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { BotEvent } from '../../src/ports/event-bus.ts';
import { insertIncident } from '../support/approval-harness.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('an analysis job that fails on every attempt [sandbox cluster, simulated]', () => {
  let database: TestDatabase;
  let queue: JobQueue | undefined;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await queue?.stop();
    await database.drop();
  });

  it('is logged, counted in /metrics and shown on the card as "analysis failed: …"', async () => {
    const log = recordingLogger();
    const metrics = createMetrics();
    const events = new InProcessEventBus();
    const published: BotEvent[] = [];
    events.subscribe((event) => published.push(event));
    const db = database.handle.db;
    const incidentId = await insertIncident(db);
    queue = createJobQueue(database.handle, { log, metrics, events, clock: systemClock }, { retryLimit: 1, retryDelaySeconds: 1 });
    await queue.start();
    let attempts = 0;
    await queue.work('analyze-incident', async () => {
      attempts += 1;
      throw new Error('ranking exploded');
    });
    await queue.enqueue(db, 'analyze-incident', { incidentId });

    const deps = { people: [], cluster: SandboxCluster.withDemoData(), prices: defaultPrices };
    const card = await waitFor(async () => {
      const current = await buildIncidentCard(db, incidentId, deps);
      return current?.analysis.state === 'failed' ? current : undefined;
    }, 20_000);
    expect(card?.analysis).toEqual({ state: 'failed', unmappedAlerts: [], failure: 'ranking exploded' });
    expect(attempts).toBe(2);
    expect(published).toContainEqual({ type: 'incident-updated', incidentId });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'job failed on every attempt; given up',
        fields: expect.objectContaining({ queue: 'analyze-incident', reason: 'ranking exploded' }),
      }),
    );
    expect(await metrics.registry.getSingleMetricAsString('awoooi_jobs_exhausted_total')).toContain('awoooi_jobs_exhausted_total{queue="analyze-incident"} 1');
  }, 40_000);
});
