import { finopsCard, renderFinOpsText } from '../finops/render-finops-report.ts';
import type { ScanResult } from '../finops/scan-waste.ts';

/** What `/awoooi finops` needs: a scan, and the door from a recommendation to a proposal. */
export interface FinOpsCommandDependencies {
  scan(): Promise<ScanResult>;
  /** `proposeRecommendation` bound to the bot: opens the incident, creates the proposal; answers in words. */
  propose(id: string, requestedBy: string): Promise<string>;
  /** The configured person behind a chat account, undefined when none (or several) claim it. */
  personOf(platform: 'slack' | 'discord' | 'telegram', accountId: string): string | undefined;
}

/**
 * `/awoooi finops`: the FinOps card (totals realizable and freed, monthly and annual, the top recommendations with
 * their risk). `/awoooi finops propose <id>`: one of them as a proposal through the normal approval, asked for by
 * the configured person who typed it; an unknown account may look, not propose.
 */
export async function finopsCommand(
  deps: FinOpsCommandDependencies | undefined,
  command: { platform: 'slack' | 'discord' | 'telegram'; accountId: string },
  words: readonly string[],
): Promise<string> {
  if (deps === undefined) return 'FinOps is not available here.';
  if (words[0] === 'propose') {
    const person = deps.personOf(command.platform, command.accountId);
    if (person === undefined) return 'Only a configured person (approvals.people) may propose; nothing was changed.';
    return deps.propose(words[1] ?? '', person);
  }
  if (words.length > 0) return 'Usage: /awoooi finops | /awoooi finops propose <id>';
  const scanned = await deps.scan();
  if (!scanned.ok) return `The FinOps scan failed: ${scanned.error.message}`;
  return renderFinOpsText(finopsCard(scanned.report));
}
