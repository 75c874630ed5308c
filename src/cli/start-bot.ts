import type { Logger } from 'pino';
import { clusterNamesOf } from '../config/cluster-names.ts';
import { analysisPacer } from '../analysis/analysis-pacer.ts';
import { startAnalysisDispatcher } from '../analysis/start-analysis-dispatcher.ts';
import { markRemediated } from '../analysis/mark-remediated.ts';
import { proposeRemediation } from '../analysis/propose-remediation.ts';
import { storeThought, thoughtStream } from '../analysis/thought-stream.ts';
import { runIncidentAnalysis } from '../analysis/run-incident-analysis.ts';
import type { ApprovalDependencies } from '../approval/approval-dependencies.ts';
import { createProposal } from '../approval/create-proposal.ts';
import { endIncidentProposals } from '../approval/end-incident-proposals.ts';
import { publishIncidentUpdated } from '../approval/publish-incident-updated.ts';
import { settleMergedIncident } from '../approval/settle-merged-incident.ts';
import { startResolutionTimer } from '../incidents/resolution-timer.ts';
import { handleClick } from '../approval/handle-click.ts';
import { registerApprovalJobs } from '../approval/register-approval-jobs.ts';
import { startApprovalSweeps, type SweepIntervals } from '../approval/start-approval-sweeps.ts';
import { supersedeProposal } from '../approval/supersede-proposal.ts';
import { startAuditSealer } from '../audit/start-audit-sealer.ts';
import { buildIncidentCard } from '../cards/build-incident-card.ts';
import { signersText } from '../cards/card-proposal.ts';
import { listIncidentCards } from '../cards/list-incident-cards.ts';
import { renderCardText } from '../cards/render-card-text.ts';
import type { ChatPublisher } from '../chat/start-chat-publisher.ts';
import type { Config } from '../config/config-schema.ts';
import { registerAlertRoutes } from '../http/alert-routes.ts';
import { createHttpServer } from '../http/create-http-server.ts';
import { registerHealthRoutes } from '../http/health-routes.ts';
import { registerOncallRoutes } from '../http/oncall-routes.ts';
import { registerIncidentRoutes } from '../http/incident-routes.ts';
import { createMetrics } from '../http/metrics.ts';
import { hasWebhookCredentials } from '../http/webhook-auth.ts';
import { SettledAlerts } from '../ingest/settled-alerts.ts';
import { ingestAlerts } from '../ingest/ingest-alerts.ts';
import { similarIncidentLines } from '../knowledge/similar-incident-lines.ts';
import { startKnowledgeEmbedder } from '../knowledge/start-knowledge-embedder.ts';
import type { JobQueue, JobQueueOptions } from '../jobs/job-queue.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import type { ClusterPort } from '../ports/cluster-port.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import type { DatabaseHandle } from '../storage/open-database.ts';
import type { ConsoleTables } from '../../adapters/webconsole/console-tables.ts';
import { registerWebConsole } from '../../adapters/webconsole/register-web-console.ts';
import { KubernetesCluster } from '../../adapters/kubernetes/kubernetes-cluster.ts';
import { McpCluster } from '../../adapters/mcp/mcp-cluster.ts';
import { registerMcpEndpoint } from '../../adapters/mcp/register-mcp-endpoint.ts';
import { chooseCluster } from './choose-cluster.ts';
import { chooseEmbeddings, embeddingsText } from './choose-embeddings.ts';
import { chooseParts, type BotParts, type PartOverrides } from './choose-parts.ts';
import { questionCost, wireBrain } from './wire-brain.ts';
import { createJobQueue } from './create-job-queue.ts';
import { startChat } from './start-chat.ts';
import { type RunningFinOps, startFinops } from './start-finops.ts';
import { checkListenerSafety } from './listener-safety.ts';
import { loadTopology } from './load-topology.ts';
import { openBotDatabase } from './open-bot-database.ts';
import { startTopologyDiscovery } from './topology-discovery.ts';
import { wirePaging } from './wire-paging.ts';
import type { PagerPort, PagingChannel } from '../ports/pager-port.ts';

export interface RunningBot {
  /** Base URL the HTTP server listens on. */
  url: string;
  database: DatabaseHandle;
  jobs: JobQueue;
  parts: BotParts;
  approval: ApprovalDependencies;
  /** Chat cards (Slack, Telegram), when a chat platform is configured. */
  chat: ChatPublisher | undefined;
  /** FinOps: the scan and propose doors of `/awoooi finops`, the waste on the cards, the weekly report. */
  finops: RunningFinOps;
  close(): Promise<void>;
}

/** The Kubernetes adapter behind the chosen cluster (directly, or under MCP execution), for topology discovery. */
function kubernetesOf(cluster: ClusterPort): KubernetesCluster | undefined {
  const inner = cluster instanceof McpCluster ? cluster.base : cluster;
  return inner instanceof KubernetesCluster ? inner : undefined;
}

export type StartResult = { ok: true; bot: RunningBot } | { ok: false; errors: string[] };

// Receipts of alerts reach the audit chain within about this long (ADR 0009).
const auditSealMilliseconds = 1_000;
// Analysis jobs fetched and run together; each completes on its own (ADR 0009).
const analysisBatchSize = 8;
// Analyses of one incident start at least this far apart: a storm's alerts coalesce meanwhile (ADR 0009).
const analysisIntervalMilliseconds = 250;
// A model's diagnosis reaches the cards at most this often while it streams in (chat edits are rate-limited).
const thoughtIntervalMilliseconds = 1_000;
// Requests of a process that died before dispatching them wait at most this long (ADR 0013).
const analysisDispatchMilliseconds = 1_000;
// Knowledge entries a failed call or a dead process left without a vector are looked for this often (ADR 0034).
const knowledgeEmbedMilliseconds = 30_000;

/**
 * The composition root: the only place that chooses adapters. Each part is real when configured and
 * embedded or simulated otherwise, and the start-up log says which.
 */
export async function startBot(
  config: Config,
  log: Logger,
  // `leaseMilliseconds` and `sweeps`: production defaults (15 s, 5 s) unless a test wants them quicker.
  options: {
    clock?: Clock;
    jobs?: JobQueueOptions;
    onFatal?: (reason: string) => void;
    leaseMilliseconds?: number;
    sweeps?: SweepIntervals;
    /** Pagers instead of those the config switches on (tests). */
    pagers?: Map<PagingChannel, PagerPort>;
  } & PartOverrides = {},
): Promise<StartResult> {
  const clock = options.clock ?? systemClock;
  // Open defaults (demo people, an API without credentials) only on a loopback listener: refuse before anything opens.
  const safety = checkListenerSafety(config);
  if (safety.errors.length > 0) return { ok: false, errors: safety.errors };
  const topology = await loadTopology(config);
  if (!topology.ok) return { ok: false, errors: topology.errors };
  const chosen = options.cluster === undefined ? chooseCluster(config, clock) : { ok: true as const, cluster: options.cluster };
  if (!chosen.ok) return chosen;
  const opened = await openBotDatabase(config, log, options.onFatal);
  if (!opened.ok) return opened;
  const { database } = opened;
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) {
    await database.close();
    return { ok: false, errors: [`migrations: ${migrated.error}`] };
  }
  const metrics = createMetrics();
  const brain = options.brain ? { ok: true as const, brain: options.brain, asksModels: false } : wireBrain(config, database, { clock, log, metrics });
  if (!brain.ok) {
    await database.close();
    return { ok: false, errors: brain.errors };
  }
  const parts = await chooseParts(config, clock, { ...options, brain: brain.brain, cluster: chosen.cluster });
  const jobs = createJobQueue(database, { log, metrics, events: parts.events, clock }, options.jobs);
  await jobs.start();
  const discovery =
    kubernetesOf(chosen.cluster) !== undefined && config.topology.discover
      ? await startTopologyDiscovery(kubernetesOf(chosen.cluster)!, topology.services, {
          log,
          intervalMilliseconds: config.topology.refreshMinutes * 60_000,
          timeoutMilliseconds: config.cluster.timeoutSeconds * 1000,
        })
      : undefined;
  const graph = discovery?.graph ?? (() => topology.graph);
  const approval: ApprovalDependencies = {
    db: database.db,
    cluster: parts.cluster,
    clock,
    jobs,
    events: parts.events,
    log,
    people: parts.people,
    expiryMinutes: config.approvals.expiryMinutes,
    riskOverrides: config.approvals.riskOverrides,
    ...(chosen.clusters === undefined ? {} : { clusters: chosen.clusters }),
    clusterTimeoutMilliseconds: config.cluster.timeoutSeconds * 1000,
    ...(options.leaseMilliseconds === undefined ? {} : { leaseMilliseconds: options.leaseMilliseconds }),
  };

  // Executions a crash interrupted are settled by the execution sweep (checked against the cluster, never re-run):
  // at once, then every few seconds, so one whose process died while this one runs is settled too.
  const sweeps = startApprovalSweeps(approval, options.sweeps);
  await registerApprovalJobs(jobs, approval);
  const paceAnalysis = analysisPacer(analysisIntervalMilliseconds);
  // Similar past incidents by meaning too, where an embedding model is configured; entries embedded after commit.
  const embeddings = chooseEmbeddings(config, log);
  const knowledgeEmbedder = embeddings === undefined ? undefined : startKnowledgeEmbedder({ db: database.db, embeddings }, knowledgeEmbedMilliseconds);
  // Resolution waits out a grace period on a durable timer (ADR 0031).
  const resolution = await startResolutionTimer({ db: database.db, jobs, log }, config.incidents.resolveGraceSeconds * 1000);
  await jobs.work(
    'analyze-incident',
    async ({ incidentId }) => {
      const finished = await paceAnalysis(incidentId);
      const analysed = await runIncidentAnalysis({ db: database.db, graph, maxDepth: config.topology.maxDepth, log, ...resolution }, incidentId);
      finished();
      // A resolution requests an analysis in its commit: its knowledge entry is there to embed now.
      knowledgeEmbedder?.poke();
      // No alerts left: it may have merged into another incident, whose analysis carries on.
      if (!analysed) {
        await settleMergedIncident(approval, incidentId);
        return;
      }
      // The deterministic part of the card is out before any brain is asked.
      await parts.events.publish({ type: 'incident-updated', incidentId });
      // Ranked from the same services and alerts as before: nothing new to diagnose or propose.
      if (!analysed.changed || analysed.awaitingResolution) return;
      const remediation = await proposeRemediation(
        {
          db: database.db,
          brain: parts.brain,
          graph,
          createProposal: (input) => createProposal(approval, input),
          supersedeProposal: (proposalId, reason) => supersedeProposal(approval, proposalId, reason),
          endIncidentProposals: (id) => endIncidentProposals(approval, id),
          brainTimeoutMilliseconds: config.brain.timeoutSeconds * 1000,
          ...(brain.asksModels
            ? {
                costAtStake: (question) => questionCost(question, parts.cluster, config.prices, config.cluster.timeoutSeconds * 1000),
                similarIncidents: (question, id) => similarIncidentLines(database.db, question, id, embeddings),
                thoughts: thoughtStream({
                  write: async (thought) => {
                    await storeThought(database.db, incidentId, thought);
                    await parts.events.publish({ type: 'incident-updated', incidentId });
                  },
                  intervalMilliseconds: thoughtIntervalMilliseconds,
                  onError: (error) => log.warn({ incidentId, err: error }, 'live diagnosis not stored'),
                }),
              }
            : {}),
        },
        analysed,
      );
      if (remediation.brainError) log.warn({ incidentId, error: remediation.brainError }, 'brain failed; rules answered');
      // A plan the cluster refuses (no such deployment, no permission) is an expected outcome, not a fault.
      if (remediation.outcome.kind === 'failed') log.info({ incidentId, error: remediation.outcome.error }, 'no proposal');
      await markRemediated(database.db, incidentId, analysed.analysis.inputDigest);
      await parts.events.publish({ type: 'incident-updated', incidentId });
    },
    { batchSize: analysisBatchSize },
  );
  const dispatcher = startAnalysisDispatcher({ db: database.db, jobs, log }, analysisDispatchMilliseconds);
  const sealer = startAuditSealer({ db: database.db, log }, auditSealMilliseconds);
  const app = createHttpServer({ bodyLimitBytes: config.server.bodyLimitBytes, logger: log, trustProxy: config.server.trustProxy });
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestSeconds.observe({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const credentials = config.webhook;
  const ingestDependencies = {
    db: database.db,
    analysisRequested: dispatcher.poke,
    // A new incident's card goes out at once ("analysing…") and is edited when the analysis lands: on call sees
    // the alert within a round trip of the chat API, whatever the analysis queue holds.
    incidentsOpened: (incidentIds: readonly string[]) => {
      for (const incidentId of incidentIds) void publishIncidentUpdated(parts.events, incidentId);
    },
    clock,
    graph,
    serviceLabels: config.topology.serviceLabels,
    clusters: clusterNamesOf(config),
    windowMilliseconds: config.incidents.correlationWindowMinutes * 60_000,
    flapQuietMilliseconds: config.incidents.flapQuietMinutes * 60_000,
    ...resolution,
    maxDepth: config.topology.maxDepth,
    log,
    settled: new SettledAlerts(),
  };
  registerIncidentRoutes(app, { db: database.db, credentials });
  registerOncallRoutes(app, {
    schedules: config.oncall.schedules,
    people: parts.people,
    log,
    ...(config.oncall.calendarToken === undefined ? {} : { calendarToken: config.oncall.calendarToken }),
  });
  registerAlertRoutes(app, { credentials, metrics, log, ingest: (source, body) => ingestAlerts(ingestDependencies, source, body) });
  const finops = await startFinops({
    config,
    approval,
    jobs,
    log,
    ingest: (body) => ingestAlerts(ingestDependencies, 'generic', body),
    chats: { slack: parts.slack?.chat, telegram: parts.telegram?.chat },
  });
  const cardDependencies = {
    waste: finops.waste,
    people: parts.people,
    cluster: parts.cluster,
    ...(chosen.clusters === undefined ? {} : { clusters: chosen.clusters }),
    prices: config.prices,
    get topology() {
      return graph();
    },
    clusterTimeoutMilliseconds: approval.clusterTimeoutMilliseconds,
    ...(embeddings === undefined ? {} : { embeddings }),
  };
  const buildCard = (incidentId: string) => buildIncidentCard(database.db, incidentId, cardDependencies);
  const paging = await wirePaging(app, {
    config,
    db: database.db,
    jobs,
    clock,
    log,
    events: parts.events,
    people: parts.people,
    ...(options.pagers === undefined ? {} : { pagers: options.pagers }),
  });
  const chat = await startChat(app, {
    config,
    parts,
    approval,
    jobs,
    log,
    graph,
    buildCard,
    finops: finops.commands,
    acknowledge: paging.acknowledge,
    ingest: (body: unknown) => ingestAlerts(ingestDependencies, 'generic', body),
  });
  registerHealthRoutes(app, { db: database.db, metrics, details: chat.details });
  registerWebConsole(app, {
    db: database.db.withTables<ConsoleTables>(),
    events: parts.events,
    people: parts.people,
    demoMode: parts.demoMode,
    demoOnNetwork: safety.demoOnNetwork,
    publicUrl: config.server.publicUrl,
    listCards: () => listIncidentCards(database.db, cardDependencies),
    handleClick: async (click) => {
      if (click.decision !== 'acknowledge') return handleClick(approval, { ...click, decision: click.decision });
      const acknowledged = await paging.acknowledge({ platform: 'web', accountId: click.accountId, escalationId: click.proposalId });
      return acknowledged.ok ? { ok: true, state: 'ACKNOWLEDGED', message: acknowledged.message } : acknowledged;
    },
  });
  if (config.mcp.serverToken !== undefined) {
    registerMcpEndpoint(app, {
      token: config.mcp.serverToken,
      listIncidents: async () =>
        (await listIncidentCards(database.db, cardDependencies)).map(({ incidentId, number, title, severity, status, openedAt }) => ({
          incidentId,
          number,
          title,
          severity,
          status,
          openedAt,
        })),
      readAnalysis: async (incidentId) => {
        const card = await buildIncidentCard(database.db, incidentId, cardDependencies);
        return card === null ? null : renderCardText(card);
      },
      requestRemediation: async ({ incidentId, planned, reason }) => {
        log.info({ incidentId, action: (planned as { action?: unknown }).action }, 'remediation requested over MCP');
        const created = await createProposal(approval, { incidentId, planned, reason, requestedBy: null, askedByAssistant: true });
        if (!created.ok) return { ok: false, message: `${created.error.code}: ${created.error.message}` };
        const { proposal } = created;
        return { ok: true, text: `proposal ${proposal.id}: ${proposal.state}, risk ${proposal.risk}; signers: ${signersText(proposal.risk)}` };
      },
    });
  }
  const address = await app.listen({ port: config.server.port, host: config.server.host });
  for (const warning of safety.warnings) log.warn({ host: config.server.host, demo: true }, warning);

  log.info(
    {
      parts: {
        database: `${database.description} (${database.embedded ? 'embedded' : 'real'})`,
        topology: discovery?.source() ?? topology.source,
        paging: paging.description,
        webhookAuth: hasWebhookCredentials(credentials)
          ? 'bearer/basic credentials configured'
          : `NONE configured: open to whoever reaches ${config.server.host}${config.server.demo ? ' (AWOOOI_DEMO=true)' : ' (loopback only)'}`,
        ...parts.description,
        ...(chosen.clusters !== undefined && {
          clusters: `default ${clusterNamesOf(config).defaultName}, alert label ${config.cluster.label}: ${chosen.clusters
            .all()
            .map((cluster) => cluster.description)
            .join(' | ')}`,
        }),
        knowledgeEmbeddings: embeddingsText(embeddings),
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
      chat: chat.publisher,
      finops,
      close: async () => {
        chat.stop();
        await paging.paging?.stop();
        discovery?.stop();
        await app.close();
        // MCP servers over stdio are child processes of the bot.
        for (const cluster of chosen.clusters?.all() ?? [chosen.cluster]) if (cluster instanceof McpCluster) await cluster.close();
        await sweeps.stop();
        await knowledgeEmbedder?.stop();
        await finops.stop();
        await sealer.stop();
        await dispatcher.stop();
        await jobs.stop();
        await chat.close();
        await parts.events.close();
        await database.close();
      },
    },
  };
}
