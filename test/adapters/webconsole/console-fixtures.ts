import pino from 'pino';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ConsoleTables } from '../../../adapters/webconsole/console-tables.ts';
import { registerWebConsole, type WebClick, type WebClickResult, type WebConsoleOptions } from '../../../adapters/webconsole/register-web-console.ts';
import type { CardProposal, IncidentCard } from '../../../src/cards/incident-card.ts';
import { InProcessEventBus } from '../../../src/events/in-process-event-bus.ts';
import { createHttpServer } from '../../../src/http/create-http-server.ts';
import { captureLog } from '../../support/capture-log.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

export const hostileTitle = '<img src=x onerror=alert(1)>';

/** A crash-loop incident with a HIGH restart proposal waiting for two signatures. */
export function sampleCard(overrides: Partial<IncidentCard> = {}, proposal: Partial<CardProposal> = {}): IncidentCard {
  return {
    incidentId: '7f1c1a52-0000-4000-8000-000000000001',
    number: 12,
    title: 'KubePodCrashLooping on api',
    severity: 'critical',
    status: 'open',
    mergedInto: null,
    absorbed: [],
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
    flapped: null,
    history: null,
    runbooks: ['https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping', 'javascript:alert(1)'],
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

export interface ConsoleHarness {
  app: FastifyInstance;
  events: InProcessEventBus;
  clicks: WebClick[];
  /** The throwaway database of sessions and sign-in counters (real PostgreSQL here, PGlite elsewhere). */
  database: TestDatabase;
  /** Closes the server and drops the database. */
  close(): Promise<void>;
}

export interface ConsoleHarnessOptions extends Partial<WebConsoleOptions> {
  cards?: () => IncidentCard[];
  answer?: (click: WebClick) => WebClickResult;
  trustProxy?: boolean | string[];
  /** Lines the console logs (pino, level info). */
  logLines?: Record<string, unknown>[];
  /** Another harness's database: two consoles on one database are two replicas. */
  database?: TestDatabase;
}

/** The console on a bare HTTP server (house rules of createHttpServer), with fakes for the core, on a throwaway database. */
export async function consoleHarness(options: ConsoleHarnessOptions = {}): Promise<ConsoleHarness> {
  const logger = options.logLines ? captureLog(options.logLines).log : pino({ level: 'silent' });
  const app = createHttpServer({ bodyLimitBytes: 64 * 1024, logger, trustProxy: options.trustProxy });
  const database = options.database ?? (await createTestDatabase({ poolSize: 4 }));
  const events = new InProcessEventBus();
  const clicks: WebClick[] = [];
  registerWebConsole(app, {
    db: database.handle.db.withTables<ConsoleTables>(),
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
  return {
    app,
    events,
    clicks,
    database,
    close: async () => {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}

/**
 * A browser: keeps the console cookie and the CSRF token between requests. `forwardedFor` claims a client
 * address through X-Forwarded-For (believed only when the harness trusts the proxy).
 */
export function consoleBrowser(harness: ConsoleHarness, forwardedFor?: string) {
  const address: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  let cookie = '';
  let csrf = '';
  const keep = (response: LightMyRequestResponse) => {
    const set = response.headers['set-cookie'];
    if (typeof set === 'string') cookie = set.split(';')[0] ?? '';
    const body = response.headers['content-type']?.toString().includes('json') ? response.json() : null;
    if (body && typeof body.csrfToken === 'string') csrf = body.csrfToken;
    return response;
  };
  const client = {
    get cookie() {
      return cookie;
    },
    get csrf() {
      return csrf;
    },
    get: async (url: string) => keep(await harness.app.inject({ method: 'GET', url, headers: { ...address, ...(cookie ? { cookie } : {}) } })),
    post: async (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      keep(
        await harness.app.inject({
          method: 'POST',
          url,
          payload: JSON.stringify(payload),
          headers: {
            ...address,
            'content-type': 'application/json',
            ...(cookie ? { cookie } : {}),
            'x-csrf-token': csrf,
            origin: 'http://localhost:80',
            host: 'localhost:80',
            ...headers,
          },
        }),
      ),
    signIn: (personId: string, password?: string) => client.post('/console/sign-in', { personId, password }),
  };
  return client;
}
