import { z } from 'zod';
import { severities } from '../alerts/alert.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, . _ -');
const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +4915112345678');
const baseUrl = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);

/**
 * How a person is paged (`approvals.people[].contacts`): every contact given is a channel used when a step
 * targets them. Each needs its provider switched on under `paging`.
 */
export const contactsSchema = z
  .object({
    /** Slack user id (U…): a direct message from the bot. */
    slack: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,40}$/, 'a Slack user id such as U0123ABCD')
      .optional(),
    /** Discord user id (a snowflake): a direct message, once a Discord pager is configured. */
    discord: z
      .string()
      .regex(/^\d{5,25}$/, 'a Discord user id')
      .optional(),
    /** Telegram chat id of the person's private chat with the bot. */
    telegram: z.coerce
      .string()
      .regex(/^-?\d{1,20}$/, 'a numeric Telegram chat id')
      .optional(),
    sms: phone.optional(),
    voice: phone.optional(),
    /** ntfy topic the person's phone subscribes to. */
    ntfy: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an ntfy topic (letters, digits, _ -)')
      .optional(),
    /** PagerDuty Events API v2 routing (integration) key, or true for `paging.pagerduty.routingKey`. */
    pagerduty: z.union([z.literal(true), z.string().regex(/^[A-Za-z0-9]{20,64}$/, 'a 32-character integration key')]).optional(),
    /** Opsgenie user (username, usually the e-mail) the alert is assigned to. */
    opsgenie: z.string().min(1).max(100).optional(),
  })
  .strict();
export type Contacts = z.infer<typeof contactsSchema>;

/** One step: after `afterMinutes` from the start, page the schedule's on-call person and/or the people named. */
const stepSchema = z
  .object({
    afterMinutes: z
      .number()
      .min(0)
      .max(24 * 60),
    schedule: id.optional(),
    people: z.array(id).min(1).optional(),
  })
  .strict()
  .refine((step) => step.schedule !== undefined || step.people !== undefined, 'a step needs a schedule or people');

/** A policy applies to incidents that meet every condition given (no condition: any incident). */
const policySchema = z
  .object({
    id,
    match: z
      .object({
        severities: z.array(z.enum(severities)).min(1).optional(),
        /** Values of the alerts' `team` label. */
        teams: z.array(z.string().min(1)).min(1).optional(),
        /** Values of the alerts' `namespace` label. */
        namespaces: z.array(z.string().min(1)).min(1).optional(),
      })
      .strict()
      .default({}),
    steps: z
      .array(stepSchema)
      .min(1)
      .refine((steps) => steps.every((step, index) => index === 0 || step.afterMinutes >= steps[index - 1]!.afterMinutes), 'steps in order of afterMinutes'),
  })
  .strict();
export type PolicyConfig = z.infer<typeof policySchema>;

/**
 * `paging` in awoooi.yaml (issue 12, ADR 0026): escalation policies, the providers that send pages (each on
 * when configured, its API base URL overridable for tests and proxies) and the inbound webhooks' secrets.
 */
export const pagingSettings = z
  .object({
    /** The first policy whose `match` holds wins; `defaultPolicy` (else the last policy) takes the rest. */
    policies: z.array(policySchema).default([]),
    defaultPolicy: id.optional(),
    /** A reopened (flapping) incident is not paged again this soon after its last escalation started. */
    quietMinutes: z.coerce
      .number()
      .min(0)
      .max(24 * 60)
      .default(60),
    /** How often due steps, new incidents and resolutions are looked for (also woken by every incident change). */
    sweepSeconds: z.coerce.number().min(0.1).max(300).default(5),
    /** Attempts of one page before it is left to the job queue's retries; backoff doubles from `retryMilliseconds`. */
    attempts: z.coerce.number().int().min(1).max(10).default(3),
    retryMilliseconds: z.coerce.number().int().min(1).max(60_000).default(500),
    /** An SMS reply starting with this word acknowledges ("ACK", or "ACK 42" for incident #42). */
    ackKeyword: z
      .string()
      .regex(/^[A-Za-z]{2,16}$/)
      .default('ACK'),
    twilio: z
      .object({
        accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'an account SID (AC + 32 hex)'),
        authToken: z.string().min(16),
        from: phone,
        apiUrl: baseUrl('https://api.twilio.com'),
        /** The public URL Twilio posts replies to (what it signs); without it, the request's own URL. */
        webhookUrl: z.url().optional(),
      })
      .strict()
      .optional(),
    pagerduty: z
      .object({
        routingKey: z
          .string()
          .regex(/^[A-Za-z0-9]{20,64}$/)
          .optional(),
        apiUrl: baseUrl('https://events.pagerduty.com'),
        /** Secret of the v3 webhook subscription (X-PagerDuty-Signature); without it, no webhook route. */
        webhookSecret: z.string().min(16).optional(),
      })
      .strict()
      .optional(),
    opsgenie: z
      .object({
        apiKey: z.string().min(16),
        apiUrl: baseUrl('https://api.opsgenie.com'),
        /** Sent by Opsgenie's outgoing webhook as the X-Awoooi-Token custom header; without it, no webhook route. */
        webhookSecret: z.string().min(16).optional(),
      })
      .strict()
      .optional(),
    ntfy: z
      .object({ url: baseUrl('https://ntfy.sh'), token: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .default({ policies: [], quietMinutes: 60, sweepSeconds: 5, attempts: 3, retryMilliseconds: 500, ackKeyword: 'ACK' });
export type PagingSettings = z.infer<typeof pagingSettings>;
