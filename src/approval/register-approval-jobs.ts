import type { JobQueue } from '../jobs/job-queue.ts';
import type { ApprovalDependencies } from './approval-dependencies.ts';
import { executeProposal } from './execute-proposal.ts';

/**
 * Starts the worker for 'execute-proposal' jobs. A job that finds nothing to do (already executed, rejected,
 * superseded) completes quietly, so retries after a crash are harmless. `busy` (another worker holds the
 * proposal's execution lock) is thrown so that the queue tries again later rather than dropping the job.
 */
export async function registerApprovalJobs(jobs: Pick<JobQueue, 'work'>, deps: ApprovalDependencies): Promise<void> {
  await jobs.work('execute-proposal', async ({ proposalId }) => {
    const result = await executeProposal(deps, proposalId);
    if (!result.ok && result.error.code === 'busy') throw new Error(`proposal ${proposalId}: ${result.error.message}; retrying later`);
  });
}
