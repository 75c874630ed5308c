import { describe, expect, it } from 'vitest';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import { placeOf, routeCard } from '../../../src/chat/route-card.ts';

const fallback = { workspace: 'T1', channel: 'C_DEFAULT' };
const card = (severity: IncidentCard['severity'], services: string[]) => ({ severity, services }) as IncidentCard;
const routes = [
  { severities: ['critical' as const], services: ['payments'], channel: 'C_PAY_PAGE' },
  { severities: ['critical' as const, 'high' as const], channel: 'C_PAGE' },
  { services: ['checkout', 'cart'], channel: 'C_SHOP' },
];

describe('routeCard', () => {
  it('takes the first route whose every condition holds', () => {
    expect(routeCard(card('critical', ['payments', 'api']), routes, fallback)).toEqual({ workspace: 'T1', channel: 'C_PAY_PAGE' });
    expect(routeCard(card('critical', ['checkout']), routes, fallback).channel).toBe('C_PAGE');
    expect(routeCard(card('high', ['api']), routes, fallback).channel).toBe('C_PAGE');
    expect(routeCard(card('warning', ['cart']), routes, fallback).channel).toBe('C_SHOP');
  });

  it('falls back to the default channel', () => {
    expect(routeCard(card('warning', ['api']), routes, fallback)).toBe(fallback);
    expect(routeCard(card('critical', ['api']), [], fallback)).toBe(fallback);
  });
});

describe('routeCard by namespace and team', () => {
  const teams = { shop: { services: ['checkout'] }, money: { namespaces: ['payments'] } };
  const namespaces: Record<string, string> = { api: 'payments', checkout: 'shop', search: 'catalog' };
  const namespaceOf = (service: string) => namespaces[service];
  const byPlace = [
    { severities: ['critical' as const], teams: ['money'], channel: 'C_MONEY_PAGE' },
    { namespaces: ['catalog'], channel: 'C_CATALOG' },
    { teams: ['shop', 'money'], channel: 'C_TEAMS' },
  ];
  const route = (severity: IncidentCard['severity'], services: string[], target?: { namespace: string }) => {
    const incident = { severity, services, proposal: target === undefined ? null : { target } } as IncidentCard;
    return routeCard(incident, byPlace, fallback, placeOf(incident, namespaceOf, teams)).channel;
  };

  it('matches the namespaces of the services (topology) and of the proposal target, and the owning teams', () => {
    expect(route('critical', ['api'])).toBe('C_MONEY_PAGE');
    expect(route('warning', ['api'])).toBe('C_TEAMS');
    expect(route('warning', ['search'])).toBe('C_CATALOG');
    expect(route('warning', ['checkout'])).toBe('C_TEAMS');
    expect(route('warning', ['unknown'], { namespace: 'catalog' })).toBe('C_CATALOG');
    expect(route('critical', ['unknown'])).toBe('C_DEFAULT');
  });

  it('says which namespaces and teams an incident has', () => {
    const incident = { severity: 'warning', services: ['api', 'checkout'], proposal: null } as unknown as IncidentCard;
    expect(placeOf(incident, namespaceOf, teams)).toEqual({ namespaces: ['payments', 'shop'], teams: ['shop', 'money'] });
    expect(placeOf(incident)).toEqual({ namespaces: [], teams: [] });
  });
});
