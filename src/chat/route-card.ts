import type { Severity } from '../alerts/alert.ts';
import type { IncidentCard } from '../cards/incident-card.ts';
import type { ChatChannel } from '../ports/chat-port.ts';

/**
 * Where a platform's cards go besides its default channel: the first route whose conditions all hold wins.
 * `severities`: the incident's severity is one of them; `services`: one of the incident's services is.
 */
export interface ChatRoute {
  channel: string;
  severities?: readonly Severity[] | undefined;
  services?: readonly string[] | undefined;
}

/** The channel a new card of `card` goes to: the first matching route, else the platform's default. */
export function routeCard(card: IncidentCard, routes: readonly ChatRoute[], fallback: ChatChannel): ChatChannel {
  const route = routes.find(
    (candidate) =>
      (candidate.severities === undefined || candidate.severities.includes(card.severity)) &&
      (candidate.services === undefined || card.services.some((service) => candidate.services!.includes(service))),
  );
  return route === undefined ? fallback : { workspace: fallback.workspace, channel: route.channel };
}
