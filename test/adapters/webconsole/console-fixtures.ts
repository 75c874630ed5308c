import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { registerWebConsole, type WebClick, type WebClickResult, type WebConsoleOptions } from '../../../adapters/webconsole/register-web-console.ts';
import type { CardProposal, IncidentCard } from '../../../src/cards/incident-card.ts';
import { InProcessEventBus } from '../../../src/events/in-process-event-bus.ts';
import { createHttpServer } from '../../../src/http/create-http-server.ts';

export const hostileTitle = '<img src=x onerror=alert(1)>';

/** A crash-loop incident with a HIGH restart proposal waiting for two signatures. */
export function sampleCard(overrides: Partial<IncidentCard> = {}, proposal: Partial<CardProposal> = {}): IncidentCard {
  return {
    incidentId: '7f1c1a52-0000-4000-8000-000000000001',
    number: 12,
    title: 'KubePodCrashLooping on api',
    severity: 'critical',
    status: 'open',
    services: ['api'],
    openedAt: new Date(Date.now() - 4 * 60_000).toISOString(),
    analysis: { state: 'done', unmappedAlerts: [], failure: null },
    rootCauses: [
      {
        service: 'api',
        kind: 'service',
        score: 0.91,
        alerting: true,
        evidence: ['KubePodCrashLooping firing since 10:00:00Z', 'restarts: 14 in 10 min (reason CrashLoopBackOff)'],
      },
      { service: 'orders-db', kind: 'database', score: 0.32, alerting: false, evidence: [] },
    ],
    blastRadius: [
      { service: 'payments', depth: 1 },
      { service: 'checkout', depth: 2 },
      { service: 'frontend', depth: 3 },
    ],
    cost: { monthlyAtStake: 52.1, text: 'api, payments: $52.10/month at stake', actionDelta: null },
    diagnosis: { source: 'rules', text: 'Pods of payments/api restart in a loop after release 2; a rollout restart usually clears a stuck init.' },
    proposal: {
      id: 'prop-1',
      action: 'restart_deployment',
      description: 'Rollout restart of deployment payments/api',
      target: { kind: 'Deployment', namespace: 'payments', name: 'api' },
      params: {},
      reason: 'CrashLoopBackOff on every replica',
      baseRisk: 'MEDIUM',
      risk: 'HIGH',
      riskReason: 'raised to HIGH by approvals.riskOverrides',
      requiredSignatures: 2,
      signersText: 'admin, devops or sre, two different people',
      state: 'PENDING',
      expiresAt: new Date(Date.now() + 26 * 60_000).toISOString(),
      dryRun: {
        ok: true,
        findings: [
          { check: 'rbac', ok: true, message: 'may patch deployments in payments' },
          { check: 'existence', ok: true, message: 'deployment payments/api exists (3 replicas)' },
        ],
      },
      signatures: [],
      missing: '2 more signatures from admin, devops or sre',
      outcome: null,
      ...proposal,
    },
    runbooks: ['https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping', 'javascript:alert(1)'],
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

export interface ConsoleHarness {
  app: FastifyInstance;
  events: InProcessEventBus;
  clicks: WebClick[];
}

/** The console on a bare HTTP server (house rules of createHttpServer), with fakes for the core. */
export async function consoleHarness(
  options: Partial<WebConsoleOptions> & { cards?: () => IncidentCard[]; answer?: (click: WebClick) => WebClickResult } = {},
): Promise<ConsoleHarness> {
  const app = createHttpServer({ bodyLimitBytes: 64 * 1024, logger: pino({ level: 'silent' }) });
  const events = new InProcessEventBus();
  const clicks: WebClick[] = [];
  registerWebConsole(app, {
    events,
    people: [],
    demoMode: true,
    listCards: async () => options.cards?.() ?? [sampleCard()],
    handleClick: async (click) => {
      clicks.push(click);
      return options.answer?.(click) ?? { ok: true, state: 'PENDING', message: 'Signed: 1 more signature needed.' };
    },
    ...options,
  });
  await app.ready();
  return { app, events, clicks };
}
