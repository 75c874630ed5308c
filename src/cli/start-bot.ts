import type { Logger } from 'pino';
import { analysisPacer } from '../analysis/analysis-pacer.ts';
import { proposeRemediation } from '../analysis/propose-remediation.ts';
import { runIncidentAnalysis } from '../analysis/run-incident-analysis.ts';
import type { ApprovalDependencies } from '../approval/approval-dependencies.ts';
import { createProposal } from '../approval/create-proposal.ts';
import { expireProposals } from '../approval/expire-proposals.ts';
import { handleClick } from '../approval/handle-click.ts';
import { reconcileExecutions } from '../approval/reconcile-executions.ts';
import { registerApprovalJobs } from '../approval/register-approval-jobs.ts';
import { startAuditSealer } from '../audit/start-audit-sealer.ts';
import { listIncidentCards } from '../cards/list-incident-cards.ts';
import type { Config } from '../config/config-schema.ts';
import { registerAlertRoutes } from '../http/alert-routes.ts';
import { createHttpServer } from '../http/create-http-server.ts';
import { registerHealthRoutes } from '../http/health-routes.ts';
import { registerIncidentRoutes } from '../http/incident-routes.ts';
import { createMetrics } from '../http/metrics.ts';
import { isLoopback } from '../http/webhook-auth.ts';
import { ingestAlerts } from '../ingest/ingest-alerts.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../storage/open-database.ts';
import { registerWebConsole } from '../../adapters/webconsole/register-web-console.ts';
import { chooseParts, type BotParts, type PartOverrides } from './choose-parts.ts';
import { loadTopology } from './load-topology.ts';

export interface RunningBot {
  /** Base URL the HTTP server listens on. */
  url: string;
  database: DatabaseHandle;
  jobs: JobQueue;
  parts: BotParts;
  approval: ApprovalDependencies;
  close(): Promise<void>;
}

export type StartResult = { ok: true; bot: RunningBot } | { ok: false; errors: string[] };

const expirySweepMilliseconds = 15_000;
// Receipts of alerts reach the audit chain within about this long (ADR 0009).
const auditSealMilliseconds = 1_000;
// Analysis jobs fetched and run together; each completes on its own (ADR 0009).
const analysisBatchSize = 8;
// Analyses of one incident start at least this far apart: a storm's alerts coalesce meanwhile (ADR 0009).
const analysisIntervalMilliseconds = 250;

const isLoopbackHost = (host: string) => host === 'localhost' || isLoopback(host);

/**
 * The composition root: the only place that chooses adapters. Each part is real when configured and
 * embedded or simulated otherwise, and the start-up log says which.
 */
export async function startBot(config: Config, log: Logger, options: { clock?: Clock } & PartOverrides = {}): Promise<StartResult> {
  const clock = options.clock ?? systemClock;
  const topology = await loadTopology(config);
  if (!topology.ok) return { ok: false, errors: topology.errors };
  const database = await openDatabase({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir });
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) {
    await database.close();
    return { ok: false, errors: [`migrations: ${migrated.error}`] };
  }
  const parts = await chooseParts(config, clock, options);
  const jobs = new JobQueue(database.embedded ? { executor: database.db } : { connectionString: database.connectionString });
  await jobs.start();
  const graph = () => topology.graph;
  const approval: ApprovalDependencies = {
    db: database.db,
    cluster: parts.cluster,
    clock,
    jobs,
    events: parts.events,
    people: parts.people,
    expiryMinutes: config.approvals.expiryMinutes,
    riskOverrides: config.approvals.riskOverrides,
  };

  // Executions a crash interrupted are settled (checked against the cluster, never re-run) before any new work.
  for (const settled of await reconcileExecutions(approval)) log.warn({ settled }, 'interrupted execution reconciled');
  await registerApprovalJobs(jobs, approval);
  const paceAnalysis = analysisPacer(analysisIntervalMilliseconds);
  await jobs.work(
    'analyze-incident',
    async ({ incidentId }) => {
      await paceAnalysis(incidentId);
      const analysed = await runIncidentAnalysis({ db: database.db, graph, maxDepth: config.topology.maxDepth, log }, incidentId);
      if (!analysed) return;
      // The deterministic part of the card is out before any brain is asked.
      await parts.events.publish({ type: 'incident-updated', incidentId });
      // Ranked from the same services and alerts as before: nothing new to diagnose or propose.
      if (!analysed.changed) return;
      const remediation = await proposeRemediation(
        { db: database.db, brain: parts.brain, graph, createProposal: (input) => createProposal(approval, input) },
        analysed,
      );
      if (remediation.brainError) log.warn({ incidentId, error: remediation.brainError }, 'brain failed; rules answered');
      // A plan the cluster refuses (no such deployment, no permission) is an expected outcome, not a fault.
      if (remediation.outcome.kind === 'failed') log.info({ incidentId, error: remediation.outcome.error }, 'no proposal');
      await parts.events.publish({ type: 'incident-updated', incidentId });
    },
    { batchSize: analysisBatchSize },
  );
  const sealer = startAuditSealer({ db: database.db, log }, auditSealMilliseconds);
  const sweeper = setInterval(() => {
    expireProposals(approval).catch((error: unknown) => log.warn({ err: error }, 'expiry sweep failed'));
  }, expirySweepMilliseconds);
  sweeper.unref();

  const metrics = createMetrics();
  const app = createHttpServer({ bodyLimitBytes: config.server.bodyLimitBytes, logger: log });
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestSeconds.observe({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const credentials = config.webhook;
  const ingestDependencies = {
    db: database.db,
    jobs,
    clock,
    graph,
    serviceLabels: config.topology.serviceLabels,
    windowMilliseconds: config.incidents.correlationWindowMinutes * 60_000,
    maxDepth: config.topology.maxDepth,
    log,
  };
  registerHealthRoutes(app, { db: database.db, metrics });
  registerIncidentRoutes(app, { db: database.db, credentials });
  registerAlertRoutes(app, { credentials, metrics, log, ingest: (source, body) => ingestAlerts(ingestDependencies, source, body) });
  const cardDependencies = { people: parts.people, cluster: parts.cluster, prices: config.prices, topology: topology.graph };
  registerWebConsole(app, {
    events: parts.events,
    people: parts.people,
    demoMode: parts.demoMode,
    listCards: () => listIncidentCards(database.db, cardDependencies),
    handleClick: (click) => handleClick(approval, click),
  });
  const address = await app.listen({ port: config.server.port, host: config.server.host });
  if (parts.demoMode && !isLoopbackHost(config.server.host)) {
    log.warn(
      { host: config.server.host },
      'DEMO people are offered on a network address: anyone who reaches this port can sign approvals. Configure approvals.people.',
    );
  }

  log.info(
    {
      parts: {
        database: `${database.description} (${database.embedded ? 'embedded' : 'real'})`,
        topology: topology.source,
        webhookAuth: credentials.token || credentials.user ? 'bearer/basic credentials configured' : 'NONE configured: loopback callers only',
        ...parts.description,
      },
      migrationsApplied: migrated.applied,
    },
    `AWOOOI listening on ${address}`,
  );
  return {
    ok: true,
    bot: {
      url: address,
      database,
      jobs,
      parts,
      approval,
      close: async () => {
        clearInterval(sweeper);
        await app.close();
        await sealer.stop();
        await jobs.stop();
        await parts.events.close();
        await database.close();
      },
    },
  };
}
