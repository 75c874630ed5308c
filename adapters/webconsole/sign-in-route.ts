import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PersonConfig } from '../../src/config/config-schema.ts';
import { verifyPassword } from '../../src/domain/password-hash.ts';
import type { ConsoleCookie } from './console-cookie.ts';
import type { ConsoleSessions } from './console-sessions.ts';
import type { PostgresRateLimits } from './postgres-rate-limit-store.ts';
import { refused } from './request-guards.ts';

/** How hard password guessing is made. */
export interface SignInLimits {
  /** Failed sign-ins per (client address, person id) in `failureWindowMs`, then 429 until the window ends. */
  failures: number;
  failureWindowMs: number;
  /** Sign-in attempts per client address in `perAddressWindowMs` (each costs a scrypt). */
  perAddress: number;
  perAddressWindowMs: number;
}

const defaultLimits: SignInLimits = { failures: 5, failureWindowMs: 15 * 60_000, perAddress: 30, perAddressWindowMs: 60_000 };
const signInBody = z.object({ personId: z.string().min(1).max(64), password: z.string().max(1024).optional() });

export interface SignInDependencies {
  sessions: ConsoleSessions;
  cookie: ConsoleCookie;
  limits: PostgresRateLimits;
  demoMode: boolean;
  personOf(id: string): PersonConfig | undefined;
  publicPerson(person: PersonConfig): unknown;
  identify(request: FastifyRequest): Promise<{ id: string | null; person: PersonConfig | null }>;
  refusal(request: FastifyRequest, reply: FastifyReply, id: string | null, needsPerson: boolean, person: PersonConfig | null): FastifyReply | null;
  settings?: Partial<SignInLimits> | undefined;
}

/**
 * `POST /console/sign-in`: a configured person with their password (one click for a demo person). Both
 * throttles are @fastify/rate-limit limiters on the PostgreSQL store, so every replica counts together: one
 * per client address (bounds the scrypt work a stranger can cause) and one per (address, person id) that
 * counts failures, keyed by the pair so that a stranger elsewhere cannot lock a real person out.
 */
export function registerSignIn(scope: FastifyInstance, dependencies: SignInDependencies): void {
  const settings = { ...defaultLimits, ...dependencies.settings };
  const address = (request: FastifyRequest) => normalizeIP(request.ip);
  const personIdOf = (request: FastifyRequest) => {
    const personId = (request.body as { personId?: unknown } | undefined)?.personId;
    return typeof personId === 'string' ? personId : '';
  };
  const perAddress = scope.createRateLimit({
    max: settings.perAddress,
    timeWindow: settings.perAddressWindowMs,
    keyGenerator: (request) => `sign-in:${address(request)}`,
  });
  const failures = scope.createRateLimit({
    max: settings.failures,
    timeWindow: settings.failureWindowMs,
    keyGenerator: (request) => `sign-in-failures:${address(request)}|${personIdOf(request)}`,
  });

  scope.post('/console/sign-in', async (request, reply) => {
    const { id, person: current } = await dependencies.identify(request);
    const refusedAlready = dependencies.refusal(request, reply, id, false, current);
    if (refusedAlready) return refusedAlready;
    const body = signInBody.safeParse(request.body);
    if (!body.success) return refused(reply, 400, 'bad_request', 'Give a person id (and password).');
    const person = dependencies.personOf(body.data.personId);
    // An unknown id is not logged: it may be a password typed into the wrong field.
    const personId = person?.id ?? null;
    let failureKey: string;
    try {
      // The attempt counts as a failure before the password is checked, so parallel guesses cannot outrun the count.
      const limited = [await perAddress(request), await failures(request)];
      const over = limited.find((result) => !result.isAllowed && result.isExceeded);
      if (over && !over.isAllowed) {
        request.log.warn({ personId, reason: 'throttled' }, 'web console sign-in refused');
        reply.header('retry-after', String(over.ttlInSeconds));
        return refused(reply, 429, 'too_many_attempts', `Too many sign-ins; wait ${Math.ceil(over.ttlInSeconds / 60)} minute(s).`);
      }
      failureKey = limited[1]!.key;
    } catch (error) {
      request.log.error({ err: error }, 'web console sign-in throttle unavailable');
      return refused(reply, 503, 'unavailable', 'Sign-in is unavailable right now; try again shortly.');
    }
    const allowed = dependencies.demoMode ? person !== undefined : await verifyPassword(person?.password, body.data.password ?? '');
    if (!person || !allowed) {
      const reason = !person ? 'unknown_person' : person.password === undefined ? 'no_password' : 'wrong_password';
      request.log.warn({ personId, reason }, 'web console sign-in failed');
      return refused(reply, 401, 'sign_in_failed', 'Unknown person or wrong password.');
    }
    await dependencies.limits.reset(failureKey);
    await dependencies.sessions.end(id);
    const sessionId = await dependencies.sessions.signIn(person.id);
    request.log.info({ personId: person.id, demo: dependencies.demoMode }, 'web console sign-in');
    dependencies.cookie.set(request, reply, sessionId, dependencies.sessions.ttlMs / 1000);
    return { ok: true, person: dependencies.publicPerson(person), csrfToken: dependencies.sessions.csrfToken(sessionId) };
  });
}
