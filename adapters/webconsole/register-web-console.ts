import { readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { IncidentCard } from '../../src/cards/incident-card.ts';
import type { PersonConfig } from '../../src/config/config-schema.ts';
import type { EventBus } from '../../src/ports/event-bus.ts';
import { coalesce } from './coalesce.ts';
import { consoleCookie } from './console-cookie.ts';
import { createEventStreams } from './console-event-stream.ts';
import { renderConsolePage } from './console-page.ts';
import { ConsoleSessions } from './console-sessions.ts';
import type { ConsoleTables } from './console-tables.ts';
import { postgresRateLimits } from './postgres-rate-limit-store.ts';
import { helmetOptions, isJsonRequest, isSameOrigin, refused, safeJson } from './request-guards.ts';
import { registerSignIn, type SignInLimits } from './sign-in-route.ts';

/** A button click from the console, as the core's handleClick takes it. */
export interface WebClick {
  platform: 'web';
  accountId: string;
  /** The proposal's id, or the escalation's to acknowledge a page. */
  proposalId: string;
  decision: 'approve' | 'reject' | 'acknowledge';
}

/** What handleClick answers; messages are safe to show the person who clicked. */
export type WebClickResult = { ok: true; state: string; message: string } | { ok: false; error: { code: string; message: string } };

export interface WebConsoleOptions {
  /** Where sessions, sign-in counters and the CSRF secret live (migrations/0004), shared by every replica. */
  db: Kysely<ConsoleTables>;
  events: Pick<EventBus, 'subscribe'>;
  /** Who may sign in: the configured people, or `demoPeople` in demo mode. */
  people: readonly PersonConfig[];
  /** Embedded defaults: one-click sign-in without password, a DEMO banner, cards visible before sign-in. */
  demoMode: boolean;
  /** Demo mode on a network address (AWOOOI_DEMO=true): the banner says the demo is open to the network. */
  demoOnNetwork?: boolean;
  listCards: () => Promise<IncidentCard[]>;
  handleClick: (click: WebClick) => Promise<WebClickResult>;
  /** The origin people open; https makes the cookie Secure with the __Host- prefix. */
  publicUrl?: string | undefined;
  sessionTtlMs?: number;
  signInLimits?: Partial<SignInLimits>;
}

/** The page's script modules and style sheet, read once; nothing else is served from the folder. */
const assetTypes: Record<string, string> = {
  'console.js': 'text/javascript',
  'dom.js': 'text/javascript',
  'render-card.js': 'text/javascript',
  'console.css': 'text/css',
};
const assets = new Map(
  Object.entries(assetTypes).map(([name, type]) => [
    name,
    { type: `${type}; charset=utf-8`, body: readFileSync(new URL(`./public/${name}`, import.meta.url)) },
  ]),
);
const clickBody = z.object({ proposalId: z.string().min(1).max(128), decision: z.enum(['approve', 'reject', 'acknowledge']) });
/** The web account a signed-in person clicks as: `accounts.web`, else the person id. */
const webAccountOf = (person: PersonConfig) => person.accounts.web ?? person.id;
const pruneEveryMs = 10 * 60_000;

/**
 * The built-in chat surface at `GET /`: live incident cards (server-sent events), sign-in as a configured
 * person, and Approve / Reject buttons that become signatures through the core's handleClick. Cookies,
 * security headers and the sign-in throttle are the @fastify plugins'; sessions and counters are in
 * PostgreSQL (ADR 0005).
 */
export function registerWebConsole(app: FastifyInstance, options: WebConsoleOptions): void {
  const page = renderConsolePage({ demoMode: options.demoMode, demoOnNetwork: options.demoOnNetwork ?? false });
  const streams = createEventStreams(options.events);
  const listCards = coalesce(options.listCards);
  const personOf = (id: string) => options.people.find((person) => person.id === id);
  const publicPerson = (person: PersonConfig) => ({ id: person.id, name: person.name, roles: person.roles });
  const httpsOrigin = options.publicUrl?.startsWith('https:') ?? false;
  const cookie = consoleCookie(httpsOrigin);
  const limits = postgresRateLimits(options.db);

  app.register(async (scope) => {
    await scope.register(fastifyCookie);
    await scope.register(fastifyHelmet, helmetOptions({ https: httpsOrigin }));
    await scope.register(fastifyRateLimit, { global: false, store: limits.Store });
    const sessions = await ConsoleSessions.open(options.db, { ttlMs: options.sessionTtlMs });

    /** The browser's id (if well formed) and the signed-in person behind it (if any). */
    const identify = async (request: FastifyRequest) => {
      const raw = cookie.read(request);
      const id = sessions.isWellFormed(raw) ? raw : null;
      const session = id === null ? null : await sessions.find(id);
      const person = session ? (personOf(session.personId) ?? null) : null;
      return { id, person };
    };
    /** Makes sure the browser holds an id, so that its CSRF token exists; returns it. */
    const ensureId = (request: FastifyRequest, reply: FastifyReply, id: string | null) => {
      if (id !== null) return id;
      const fresh = sessions.newId();
      cookie.set(request, reply, fresh);
      return fresh;
    };
    /** Origin, content type and CSRF checks of every state-changing request; null when it may proceed. */
    const refusal = (request: FastifyRequest, reply: FastifyReply, id: string | null, needsPerson: boolean, person: PersonConfig | null) => {
      if (!isSameOrigin(request, options.publicUrl)) return refused(reply, 403, 'cross_origin', 'Cross-origin request refused.');
      if (!isJsonRequest(request)) return refused(reply, 415, 'unsupported_media_type', 'Send JSON.');
      if (needsPerson && person === null) return refused(reply, 401, 'not_signed_in', 'Sign in first.');
      if (!sessions.checkCsrf(id, request.headers['x-csrf-token']))
        return refused(reply, 403, 'bad_csrf_token', 'This page is stale: reload it and try again.');
      return null;
    };

    const pruner = setInterval(() => {
      Promise.all([sessions.prune(), limits.prune()]).catch((error: unknown) => scope.log.warn({ err: error }, 'web console prune failed'));
    }, pruneEveryMs);
    pruner.unref();
    scope.addHook('onClose', async () => clearInterval(pruner));
    scope.addHook('onSend', async (_request, reply) => {
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });
    scope.addHook('preClose', async () => streams.closeAll());

    scope.get('/', async (request, reply) => {
      ensureId(request, reply, (await identify(request)).id);
      return reply.type('text/html; charset=utf-8').send(page);
    });
    scope.get<{ Params: { name: string } }>('/console/static/:name', async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset) return reply.code(404).send({ error: 'not_found' });
      return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
    });

    scope.get('/console/session', async (request, reply) => {
      const { id, person } = await identify(request);
      const csrfToken = sessions.csrfToken(ensureId(request, reply, id));
      return {
        demo: options.demoMode,
        person: person ? publicPerson(person) : null,
        csrfToken,
        // Real people are never listed to a stranger; demo people are the point of the demo.
        demoPeople: options.demoMode ? options.people.map(publicPerson) : [],
      };
    });

    registerSignIn(scope, {
      sessions,
      cookie,
      limits,
      demoMode: options.demoMode,
      personOf,
      publicPerson,
      identify,
      refusal,
      settings: options.signInLimits,
    });

    scope.post('/console/sign-out', async (request, reply) => {
      const { id, person } = await identify(request);
      const refusedAlready = refusal(request, reply, id, false, person);
      if (refusedAlready) return refusedAlready;
      await sessions.end(id);
      const fresh = sessions.newId();
      cookie.set(request, reply, fresh);
      if (person) request.log.info({ personId: person.id }, 'web console sign-out');
      return { ok: true, csrfToken: sessions.csrfToken(fresh) };
    });

    scope.get('/console/cards', async (request, reply) => {
      if (!options.demoMode && (await identify(request)).person === null) return refused(reply, 401, 'not_signed_in', 'Sign in to see incidents.');
      let cards: IncidentCard[];
      try {
        cards = await listCards();
      } catch (error) {
        request.log.error({ err: error }, 'web console could not list cards');
        return refused(reply, 503, 'unavailable', 'Incidents are unavailable right now; retrying.');
      }
      return reply.type('application/json; charset=utf-8').send(safeJson({ cards }));
    });

    scope.get('/console/events', { exposeHeadRoute: false }, async (request, reply) => {
      const { id, person } = await identify(request);
      if (!options.demoMode && person === null) return refused(reply, 401, 'not_signed_in', 'Sign in to see incidents.');
      const stillAllowed = async () => options.demoMode || (await sessions.find(id)) !== null;
      if (!streams.open(reply, stillAllowed)) return refused(reply, 503, 'too_many_streams', 'Too many open consoles; retrying.');
      return reply;
    });

    scope.post('/console/click', async (request, reply) => {
      const { id, person } = await identify(request);
      const refusedAlready = refusal(request, reply, id, true, person);
      if (refusedAlready || person === null) return refusedAlready;
      const body = clickBody.safeParse(request.body);
      if (!body.success) return refused(reply, 400, 'bad_request', 'Unknown button.');
      const accountId = webAccountOf(person);
      // The id fallback must never name someone else's web account: then the core could take one for the other.
      if (options.people.filter((other) => webAccountOf(other) === accountId).length !== 1) {
        return refused(reply, 409, 'account_ambiguous', `Your web account "${accountId}" is also claimed by someone else; ask an admin to fix accounts.web.`);
      }
      const click: WebClick = { platform: 'web', accountId, ...body.data };
      try {
        return await options.handleClick(click);
      } catch (error) {
        request.log.error({ err: error, proposalId: click.proposalId }, 'web console click failed');
        return refused(reply, 500, 'internal_error', 'Something went wrong recording your click; reload to see the current state.');
      }
    });
  });
}
