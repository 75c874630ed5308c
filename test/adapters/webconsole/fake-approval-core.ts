import { demoPeople } from '../../../adapters/webconsole/demo-people.ts';
import type { WebClick, WebClickResult } from '../../../adapters/webconsole/register-web-console.ts';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import type { EventBus } from '../../../src/ports/event-bus.ts';

/**
 * A stand-in for the approval engine, just enough to drive the console in a browser: two approvals from
 * two different people run the proposal (SUCCEEDED); any reject ends it.
 */
export function fakeApprovalCore(events: EventBus) {
  const cards: IncidentCard[] = [];
  const update = (card: IncidentCard) => events.publish({ type: 'incident-updated', incidentId: card.incidentId });
  return {
    listCards: async () => structuredClone(cards),
    add: async (card: IncidentCard) => {
      cards.push(card);
      await update(card);
    },
    handleClick: async (click: WebClick): Promise<WebClickResult> => {
      const person = demoPeople.find((candidate) => candidate.accounts.web === click.accountId);
      if (click.decision === 'acknowledge') return { ok: false, error: { code: 'no_paging', message: 'Paging is not configured here.' } };
      const decision = click.decision;
      const card = cards.find((candidate) => candidate.proposal?.id === click.proposalId);
      const proposal = card?.proposal;
      if (!person || !card || !proposal) return { ok: false, error: { code: 'not_found', message: 'No such proposal.' } };
      if (proposal.state !== 'PENDING') return { ok: false, error: { code: 'not_pending', message: `This proposal is ${proposal.state}.` } };
      if (proposal.signatures.some((signature) => signature.personId === person.id))
        return { ok: false, error: { code: 'already_signed', message: 'You already signed this proposal.' } };
      proposal.signatures.push({
        personId: person.id,
        personName: person.name,
        roles: person.roles,
        platform: 'web',
        decision,
        at: new Date().toISOString(),
      });
      if (click.decision === 'reject') {
        Object.assign(proposal, { state: 'REJECTED', missing: '', outcome: `rejected by ${person.name}` });
      } else if (proposal.signatures.length >= proposal.requiredSignatures) {
        Object.assign(proposal, { state: 'SUCCEEDED', missing: '', outcome: 'deployment payments/api restarted; 3/3 replicas ready' });
      } else {
        proposal.missing = `${proposal.requiredSignatures - proposal.signatures.length} more signature from ${proposal.signersText}`;
      }
      await update(card);
      return {
        ok: true,
        state: proposal.state,
        message: proposal.state === 'PENDING' ? `Signed. Still missing: ${proposal.missing}.` : `Signed. The proposal is ${proposal.state}.`,
      };
    },
  };
}
