import type { ApprovalDependencies } from '../approval/approval-dependencies.ts';
import { createProposal } from '../approval/create-proposal.ts';
import { resolvePerson } from '../approval/resolve-person.ts';
import type { FinOpsCommandDependencies } from '../chat/finops-command.ts';
import type { Config } from '../config/config-schema.ts';
import { proposeRecommendation } from '../finops/propose-recommendation.ts';
import { scanWaste } from '../finops/scan-waste.ts';
import { WasteCache } from '../finops/waste-cache.ts';
import { postWeeklyReport, startWeeklyReports } from '../finops/weekly-report.ts';
import type { IngestResult } from '../ingest/ingest-alerts.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { ChatPort } from '../ports/chat-port.ts';
import type { Logger } from '../ports/logger.ts';
import { finopsSources } from './finops-sources.ts';

export interface RunningFinOps {
  commands: FinOpsCommandDependencies;
  /** The waste of affected workloads for the incident cards' cost line. */
  waste: WasteCache;
  stop(): Promise<void>;
}

/**
 * FinOps in the bot: the scan and the propose door for `/awoooi finops`, and (with `finops.report.channel`) the weekly
 * report: a durable job per week, claimed by one replica (ADR 0025).
 */
export async function startFinops(deps: {
  config: Config;
  approval: ApprovalDependencies;
  jobs: JobQueue;
  log: Logger;
  ingest: (body: unknown) => Promise<IngestResult>;
  chats: { slack: ChatPort | undefined; telegram: ChatPort | undefined };
}): Promise<RunningFinOps> {
  const { config, approval, jobs, log } = deps;
  const sources = finopsSources(config, approval.cluster, approval.clock);
  const scan = () => scanWaste(sources);
  log.info(
    { usage: sources.usage?.description ?? 'none (set PROMETHEUS_URL)', costs: sources.allocation?.description ?? `list prices (${config.prices.currency})` },
    'FinOps sources',
  );
  const waste = new WasteCache(scan, { clock: approval.clock, log });
  const commands: FinOpsCommandDependencies = {
    scan,
    propose: (id, requestedBy) =>
      proposeRecommendation({ scan, ingest: deps.ingest, createProposal: (input) => createProposal(approval, input), log }, id, requestedBy),
    personOf: (platform, accountId) => resolvePerson(approval.people, platform, accountId)?.id,
  };
  const target = config.finops.report.channel;
  if (target === undefined) return { commands, waste, stop: async () => {} };
  const schedule = { ...target, weekday: config.finops.report.weekday, hour: config.finops.report.hour };
  const reportDependencies = { db: approval.db, jobs, clock: approval.clock, log, schedule };
  await jobs.work('finops-report', ({ week }) => postWeeklyReport({ ...reportDependencies, scan, chat: deps.chats[target.platform] }, week));
  const reports = startWeeklyReports(reportDependencies);
  log.info({ platform: target.platform, channel: target.channel, weekday: schedule.weekday, hourUtc: schedule.hour }, 'FinOps weekly report scheduled');
  return { commands, waste, stop: () => reports.stop() };
}
