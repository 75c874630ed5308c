import type { JobQueue } from '../jobs/job-queue.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';
import { executeProposal } from './execute-proposal.ts';

/**
 * Starts the worker for 'execute-proposal' jobs. A job that finds nothing to do (already executed or in flight
 * elsewhere, rejected, expired, superseded) completes quietly, so retries after a crash are harmless: an execution
 * interrupted mid-way is settled by the execution sweep, never by running the job again. Only an unexpected error
 * (the database away during the claim) fails the job, and the queue tries it again later.
 */
export async function registerApprovalJobs(jobs: Pick<JobQueue, 'work'>, deps: ApprovalDependencies): Promise<void> {
  await jobs.work('execute-proposal', async ({ proposalId }) => {
    await executeProposal(deps, proposalId);
  });
}
