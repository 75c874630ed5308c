import { describe, expect, it } from 'vitest';
import type { IncidentCard } from '../../../src/cards/incident-card.ts';
import { routeCard } from '../../../src/chat/route-card.ts';

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
