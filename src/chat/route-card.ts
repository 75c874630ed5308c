import type { Severity } from '../alerts/alert.ts';
import type { IncidentCard } from '../cards/incident-card.ts';
import type { ChatChannel } from '../ports/chat-port.ts';

/**
 * Where a platform's cards go besides its default channel: the first route whose conditions all hold wins.
 * `severities`: the incident's severity is one of them; `services`: one of the incident's services is;
 * `namespaces`: one of the incident's namespaces is; `teams`: one of the teams owning the incident is (config `teams`).
 */
export interface ChatRoute {
  channel: string;
  severities?: readonly Severity[] | undefined;
  services?: readonly string[] | undefined;
  namespaces?: readonly string[] | undefined;
  teams?: readonly string[] | undefined;
}

/** Where an incident lives beyond its card: its namespaces and the teams that own it. */
export interface CardPlace {
  namespaces: readonly string[];
  teams: readonly string[];
}

/** A team owns the services it names and every service in the namespaces it names. */
export interface TeamOwnership {
  services?: readonly string[] | undefined;
  namespaces?: readonly string[] | undefined;
}

const overlaps = (wanted: readonly string[] | undefined, present: readonly string[]) => wanted === undefined || present.some((value) => wanted.includes(value));

/** The channel a new card of `card` goes to: the first matching route, else the platform's default. */
export function routeCard(card: IncidentCard, routes: readonly ChatRoute[], fallback: ChatChannel, place: CardPlace = placeOf(card)): ChatChannel {
  const route = routes.find(
    (candidate) =>
      (candidate.severities === undefined || candidate.severities.includes(card.severity)) &&
      overlaps(candidate.services, card.services) &&
      overlaps(candidate.namespaces, place.namespaces) &&
      overlaps(candidate.teams, place.teams),
  );
  return route === undefined ? fallback : { workspace: fallback.workspace, channel: route.channel };
}

/**
 * The incident's namespaces (its services' namespaces, as `namespaceOf` knows them from the topology, and its
 * proposal's target) and the teams owning any of its services or namespaces.
 */
export function placeOf(
  card: IncidentCard,
  namespaceOf: (service: string) => string | undefined = () => undefined,
  teams: Readonly<Record<string, TeamOwnership>> = {},
): CardPlace {
  const namespaces = new Set<string>();
  for (const service of card.services) {
    const namespace = namespaceOf(service);
    if (namespace !== undefined) namespaces.add(namespace);
  }
  const target = card.proposal?.target as { namespace?: unknown } | undefined;
  if (typeof target?.namespace === 'string') namespaces.add(target.namespace);
  const owning = Object.entries(teams)
    .filter(([, owned]) => overlaps(owned.services ?? [], card.services) || overlaps(owned.namespaces ?? [], [...namespaces]))
    .map(([team]) => team);
  return { namespaces: [...namespaces], teams: owning };
}
