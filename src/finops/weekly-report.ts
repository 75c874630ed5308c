import type { Kysely } from 'kysely';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { ChatPort } from '../ports/chat-port.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { finopsCard } from './render-finops-report.ts';
import type { ScanResult } from './scan-waste.ts';

/** When and where the report goes (config `finops.report`). */
export interface ReportSchedule {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** UTC hour. */
  hour: number;
  platform: 'slack' | 'telegram';
  channel: string;
}

export interface WeeklyReportDependencies {
  db: Kysely<DatabaseSchema>;
  jobs: Pick<JobQueue, 'enqueue' | 'notify'>;
  clock: Clock;
  log: Logger;
  schedule: ReportSchedule;
}

const dayMilliseconds = 86_400_000;

/** The latest due time at or before `now`: the configured weekday and UTC hour. */
export function lastDueTime(now: Date, weekday: number, hour: number): Date {
  const due = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  const isoWeekday = (date: Date) => ((date.getUTCDay() + 6) % 7) + 1;
  let back = (isoWeekday(due) - weekday + 7) % 7;
  if (back === 0 && due > now) back = 7;
  return new Date(due.getTime() - back * dayMilliseconds);
}

/**
 * Claims this week's report if it is due and nobody claimed it: the row and the job that posts it are written in
 * one transaction, and the week is the primary key, so of several replicas exactly one enqueues. Returns the week
 * claimed, or null when it was already claimed.
 */
export async function claimWeeklyReport(deps: WeeklyReportDependencies): Promise<string | null> {
  const now = deps.clock.now();
  const due = lastDueTime(now, deps.schedule.weekday, deps.schedule.hour);
  const week = due.toISOString().slice(0, 10);
  const claimed = await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('finops_reports')
      .values({ week, due_at: due, platform: deps.schedule.platform, channel: deps.schedule.channel, claimed_at: now })
      .onConflict((conflict) => conflict.column('week').doNothing())
      .returning('week')
      .executeTakeFirst();
    if (inserted !== undefined) await deps.jobs.enqueue(trx, 'finops-report', { week });
    return inserted !== undefined;
  });
  if (!claimed) return null;
  deps.jobs.notify('finops-report');
  deps.log.info({ week, dueAt: due.toISOString(), platform: deps.schedule.platform, channel: deps.schedule.channel }, 'FinOps weekly report claimed');
  return week;
}

/**
 * The job: scan, post the card to the configured channel, record it. A week already posted is not posted again (a
 * retry after a crash between the post and the record may post twice: at least once, never silently none). A
 * refusal that a retry cannot fix is recorded and ends the job; anything retryable throws so that pg-boss retries.
 */
export async function postWeeklyReport(
  deps: WeeklyReportDependencies & { scan: () => Promise<ScanResult>; chat: ChatPort | undefined },
  week: string,
): Promise<void> {
  const row = await deps.db.selectFrom('finops_reports').selectAll().where('week', '=', week).executeTakeFirst();
  if (row === undefined || row.sent_at !== null) return;
  const finish = async (outcome: string, sent: boolean) => {
    await deps.db
      .updateTable('finops_reports')
      .set({ outcome, sent_at: sent ? deps.clock.now() : null })
      .where('week', '=', week)
      .execute();
    deps.log.info({ week, outcome }, sent ? 'FinOps weekly report posted' : 'FinOps weekly report not posted');
  };
  if (deps.chat?.postReport === undefined) return finish(`no ${row.platform} chat configured that posts reports`, false);
  const scanned = await deps.scan();
  if (!scanned.ok) {
    if (scanned.error.retryable) throw new Error(scanned.error.message);
    return finish(`scan failed: ${scanned.error.message}`, false);
  }
  const posted = await deps.chat.postReport({ workspace: row.channel, channel: row.channel }, finopsCard(scanned.report, 8));
  if (posted.ok) return finish('posted', true);
  if (posted.error.retryable) throw new Error(`${row.platform}: ${posted.error.message}`);
  return finish(`${row.platform} refused: ${posted.error.message}`, false);
}

/** Every replica looks every few minutes (and at once) whether the week's report is due; only one claims it. */
export function startWeeklyReports(deps: WeeklyReportDependencies, intervalMilliseconds = 5 * 60_000): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running !== null) return;
    running = claimWeeklyReport(deps)
      .catch((error: unknown) => deps.log.warn({ err: error }, 'FinOps weekly report check failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMilliseconds);
  timer.unref();
  tick();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
