import { z } from 'zod';
import { actionCatalog, isActionName } from '../actions/action-catalog.ts';
import { risks, roles } from '../domain/risk.ts';
import { demoSetting, passwordHashSetting, publicUrlSetting, trustProxySetting } from './security-settings.ts';
import { parseVaultKey } from '../privacy/vault-key.ts';
import { brainSettings } from './brain-settings.ts';
import { oncallSettings } from '../oncall/oncall-settings.ts';
import { contactsSchema, pagingSettings } from '../paging/paging-settings.ts';
import { defaultPrices } from '../finops/pricing.ts';
import { finopsSettings } from '../finops/finops-settings.ts';
import { knowledgeSettings } from '../knowledge/knowledge-settings.ts';
import { discordSchema, slackSchema, teamsSchema, telegramSchema } from './chat-settings.ts';

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z.string().min(1).optional();

const clusterName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label');
const namespaceList = z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label'));
const argocdSettings = z.object({ url: z.string().regex(/^https?:\/\//, 'must start with http:// or https://'), token: z.string().min(1) }).strict();

/** One of several clusters: a kubeconfig context, or the pod's own service account (`inCluster: true`). */
const namedClusterSchema = z
  .object({
    name: clusterName,
    context: optionalText,
    /** Kubeconfig file of this context; default: `cluster.kubeconfig`. */
    kubeconfig: optionalText,
    inCluster: z.literal(true).optional(),
    /** Namespace allow-list of this cluster; default: `cluster.namespaces`. */
    namespaces: namespaceList.optional(),
    /** Argo CD of this cluster; default: `cluster.argocd`. */
    argocd: argocdSettings.optional(),
    /** Writes through `mcp.actions` here too; default: only on the default cluster (ADR 0032). */
    mcp: z.boolean().optional(),
  })
  .strict()
  .refine((entry) => (entry.context === undefined) !== (entry.inCluster === undefined), 'either a kubeconfig context or inCluster: true');
export type NamedClusterConfig = z.infer<typeof namedClusterSchema>;

function checkNamedClusters(cluster: { kind: string; clusters: NamedClusterConfig[]; defaultCluster?: string | undefined }, context: z.RefinementCtx): void {
  const names = cluster.clusters.map((entry) => entry.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) context.addIssue({ code: 'custom', path: ['clusters', index, 'name'], message: `cluster ${name} is named twice` });
  });
  if (cluster.clusters.length > 0 && cluster.kind !== 'kubernetes')
    context.addIssue({ code: 'custom', path: ['clusters'], message: 'several clusters need AWOOOI_CLUSTER=kubernetes' });
  if (cluster.clusters.length > 0 && cluster.defaultCluster !== undefined && !names.includes(cluster.defaultCluster))
    context.addIssue({ code: 'custom', path: ['defaultCluster'], message: `no cluster named ${cluster.defaultCluster} in cluster.clusters` });
}

/** A configured person: who signs, with which roles, through which chat accounts. */
const personSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, . _ -'),
  name: z.string().min(1),
  roles: z.array(z.enum(roles)).min(1),
  accounts: z
    .object({
      slack: optionalText,
      discord: optionalText,
      telegram: optionalText,
      web: optionalText,
    })
    .strict()
    .default({}),
  /** Web console sign-in: a scrypt hash (`awoooi hash-password`), never the password itself. */
  password: passwordHashSetting.optional(),
  /** How escalation policies page this person (ADR 0026). */
  contacts: contactsSchema.optional(),
});
export type PersonConfig = z.infer<typeof personSchema>;

/** A signature belongs to one person: two people sharing an id or a chat account would let one sign as the other. */
function uniquePeopleAndAccounts(people: PersonConfig[], context: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  people.forEach((person, index) => {
    const accounts = { ...person.accounts, web: person.accounts.web ?? person.id };
    const keys = [`id ${person.id}`, ...Object.entries(accounts).map(([platform, account]) => `${platform} account ${account}`)];
    for (const key of keys) {
      const first = seen.get(key);
      if (first !== undefined && first !== index) context.addIssue({ code: 'custom', path: [index], message: `${key} is already used by people[${first}]` });
      else seen.set(key, index);
    }
  });
}

export const configSchema = z
  .object({
    server: z
      .object({
        port: port.default(8080),
        host: z.string().min(1).default('127.0.0.1'),
        bodyLimitBytes: z.coerce
          .number()
          .int()
          .min(1024)
          // Alertmanager posts a whole group at once: a few thousand alerts are several megabytes.
          .default(16 * 1024 * 1024),
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        publicUrl: publicUrlSetting.optional(),
        trustProxy: trustProxySetting.default(false),
        demo: demoSetting.default(false),
      })
      .strict()
      .default({ port: 8080, host: '127.0.0.1', bodyLimitBytes: 16 * 1024 * 1024, logLevel: 'info', trustProxy: false, demo: false }),
    storage: z
      .object({
        databaseUrl: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
          .optional(),
        dataDir: z.string().min(1).default('./.awoooi'),
        redisUrl: z
          .string()
          .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
          .optional(),
      })
      .strict()
      .default({ dataDir: './.awoooi' }),
    webhook: z
      .object({ token: z.string().min(16).optional(), user: optionalText, password: z.string().min(8).optional() })
      .strict()
      .refine((w) => (w.user === undefined) === (w.password === undefined), {
        message: 'user and password go together',
      })
      .default({}),
    topology: z
      .object({
        file: optionalText,
        maxDepth: z.coerce.number().int().min(1).max(10).default(3),
        /** With a Kubernetes cluster: discover services and `awoooi.io/depends-on` edges, merged with the file. */
        discover: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).default(true),
        /** How often discovery runs again. */
        refreshMinutes: z.coerce.number().positive().max(1440).default(5),
        serviceLabels: z
          .array(z.string().min(1))
          .min(1)
          .default(['service', 'app.kubernetes.io/name', 'app', 'deployment', 'statefulset', 'daemonset', 'job_name', 'container', 'pod']),
      })
      .strict()
      .default({
        maxDepth: 3,
        discover: true,
        refreshMinutes: 5,
        serviceLabels: ['service', 'app.kubernetes.io/name', 'app', 'deployment', 'statefulset', 'daemonset', 'job_name', 'container', 'pod'],
      }),
    incidents: z
      .object({
        correlationWindowMinutes: z.coerce.number().min(0).max(1440).default(5),
        /** An alert firing again this soon after its incident resolved reopens it (flapping); 0 turns that off. */
        flapQuietMinutes: z.coerce.number().min(0).max(1440).default(10),
        /** An incident whose alerts have all resolved resolves once none changed for this long; 0: at once. */
        resolveGraceSeconds: z.coerce.number().min(0).max(3600).default(30),
      })
      .strict()
      .default({ correlationWindowMinutes: 5, flapQuietMinutes: 10, resolveGraceSeconds: 30 }),
    approvals: z
      .object({
        expiryMinutes: z.coerce
          .number()
          .min(1)
          .max(24 * 60)
          .default(30),
        people: z.array(personSchema).default([]).superRefine(uniquePeopleAndAccounts),
        /** Risk overrides per action name, e.g. {restart_deployment: HIGH}; never lowers CRITICAL. */
        riskOverrides: z
          .record(z.string(), z.enum(risks))
          .default({})
          .superRefine((overrides, context) => {
            for (const name of Object.keys(overrides)) {
              if (!isActionName(name))
                context.addIssue({ code: 'custom', path: [name], message: `not an action of the catalog (${[...actionCatalog.keys()].join(', ')})` });
            }
          }),
      })
      .strict()
      .default({ expiryMinutes: 30, people: [], riskOverrides: {} }),
    /** Deadline of every cluster call (dry-run, execute, reconcile, resources); a timed-out execute is reconciled, never retried. */
    cluster: z
      .object({
        timeoutSeconds: z.coerce.number().positive().max(600).default(30),
        /** `sandbox` (simulated, the default) or `kubernetes` (the real API through adapters/kubernetes). */
        kind: z.enum(['sandbox', 'kubernetes']).default('sandbox'),
        /** Kubeconfig file; without it, in-cluster (service account) when running in a pod, else ~/.kube/config. */
        kubeconfig: optionalText,
        /** Context of the kubeconfig to use; its current context by default. */
        context: optionalText,
        /**
         * Namespaces the bot may act in. Empty: every namespace but the system ones (kube-system, kube-public,
         * kube-node-lease), which are refused unless listed here.
         */
        namespaces: namespaceList.default([]),
        /** Argo CD's API (ARGOCD_URL, ARGOCD_TOKEN): rollbacks of Argo-managed deployments go through it. */
        argocd: argocdSettings.optional(),
        /**
         * Several clusters (ADR 0032): each a kubeconfig context or the pod's service account. An alert's `label`
         * (Alertmanager's external label) picks its incident's cluster; absent or unknown: `defaultCluster`.
         */
        clusters: z.array(namedClusterSchema).default([]),
        /** The cluster of alerts without a known cluster label; default: the first of `clusters`, else "default". */
        defaultCluster: clusterName.optional(),
        /** The alert label that names the cluster (AWOOOI_CLUSTER_LABEL). */
        label: z.string().min(1).default('cluster'),
      })
      .strict()
      .default({ timeoutSeconds: 30, kind: 'sandbox', namespaces: [], clusters: [], label: 'cluster' })
      .superRefine(checkNamedClusters),
    /**
     * MCP execution: catalog actions run as tool calls of configured MCP servers (stdio or Streamable HTTP), under the
     * same approval, dry-run and fingerprint rules. Only the tools named here are ever called.
     */
    mcp: z
      .object({
        servers: z
          .record(
            z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, _ -'),
            z.union([
              z.object({ command: z.string().min(1), args: z.array(z.string()).default([]), env: z.record(z.string(), z.string()).optional() }).strict(),
              z.object({ url: z.string().regex(/^https?:\/\//, 'must start with http:// or https://'), token: z.string().min(1).optional() }).strict(),
            ]),
          )
          .default({}),
        actions: z
          .record(
            z.string(),
            z.object({ server: z.string().min(1), tool: z.string().min(1), arguments: z.record(z.string(), z.unknown()).default({}) }).strict(),
          )
          .default({})
          .superRefine((actions, context) => {
            for (const name of Object.keys(actions)) {
              if (!isActionName(name))
                context.addIssue({ code: 'custom', path: [name], message: `not an action of the catalog (${[...actionCatalog.keys()].join(', ')})` });
            }
          }),
      })
      .extend({
        /** Bearer token of `POST /mcp`, the bot as an MCP server (16+ characters); without it there is no endpoint. */
        serverToken: z.string().min(16).optional(),
      })
      .strict()
      .default({ servers: {}, actions: {} })
      .superRefine((mcp, context) => {
        for (const [action, mapping] of Object.entries(mcp.actions)) {
          if (!(mapping.server in mcp.servers))
            context.addIssue({ code: 'custom', path: ['actions', action, 'server'], message: `no MCP server named ${mapping.server}` });
        }
      }),
    brain: brainSettings,
    privacy: z
      .object({
        /** Seals each incident's pseudonym vault (AES-256-GCM); without it, embedded defaults generate one in the data dir. */
        vaultKey: z
          .string()
          .refine((value) => parseVaultKey(value) !== undefined, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
          .optional(),
      })
      .default({}),
    /** Slack (ADR 0014): on when bot token, signing secret and channel are all set. */
    slack: slackSchema,
    /** Telegram (ADR 0016): on when bot token and chat id are set; webhook with a webhook secret, else long polling. */
    telegram: telegramSchema,
    /** Teams for chat routes (`routes[].teams`), YAML only. */
    teams: teamsSchema,
    /** Discord (ADR 0028): on when public key, application id, bot token and channel id are all set. */
    discord: discordSchema,
    /** Unit prices (on-demand list prices by default, see src/finops/pricing.ts); OpenCost's, where configured, win. */
    prices: z
      .object({
        cpuCoreHour: z.coerce.number().positive().default(defaultPrices.cpuCoreHour),
        memoryGiBHour: z.coerce.number().positive().default(defaultPrices.memoryGiBHour),
        storageGiBMonth: z.coerce.number().positive().default(defaultPrices.storageGiBMonth),
        /** Per GiB-month by storage class; merged over the defaults (gp3, gp2, io1, st1, sc1, standard). */
        storageClasses: z
          .record(z.string().min(1), z.coerce.number().nonnegative())
          .default({})
          .transform((classes) => ({ ...defaultPrices.storageClasses, ...classes })),
        /** Per node-hour by instance type, e.g. {m6i.xlarge: 0.192}. */
        nodeTypes: z.record(z.string().min(1), z.coerce.number().positive()).default({}),
        hoursPerMonth: z.coerce.number().positive().default(defaultPrices.hoursPerMonth),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD or EUR')
          .default(defaultPrices.currency),
      })
      .strict()
      .default({ ...defaultPrices }),
    finops: finopsSettings,
    /** The knowledge base of resolved incidents: an embedding model beside full-text search (ADR 0034). */
    knowledge: knowledgeSettings,
    /** On-call schedules (YAML only) and the token of their calendar feeds (AWOOOI_ONCALL_CALENDAR_TOKEN). */
    oncall: oncallSettings,
    /** Escalation policies and paging providers (ADR 0026). */
    paging: pagingSettings,
  })
  .strict()
  .superRefine((config, context) => {
    // A route naming a team no one defined would never match: say so rather than route silently to the default.
    for (const platform of ['slack', 'telegram', 'discord'] as const) {
      config[platform].routes.forEach((route, index) => {
        for (const team of route.teams ?? []) {
          if (!(team in config.teams))
            context.addIssue({ code: 'custom', path: [platform, 'routes', index, 'teams'], message: `no team named ${team} in teams` });
        }
      });
    }
    // Whoever is on call is someone the bot knows: a name to show, accounts to reach.
    const known = new Set(config.approvals.people.map((person) => person.id));
    config.oncall.schedules.forEach((schedule, index) => {
      const named = [
        ...schedule.layers.flatMap((layer, layerIndex) => layer.people.map((id, position) => ({ id, path: ['layers', layerIndex, 'people', position] }))),
        ...schedule.overrides.map((override, overrideIndex) => ({ id: override.person, path: ['overrides', overrideIndex, 'person'] })),
      ];
      for (const { id, path } of named) {
        if (!known.has(id)) context.addIssue({ code: 'custom', path: ['oncall', 'schedules', index, ...path], message: `${id} is not in approvals.people` });
      }
    });
    checkPaging(config, known, context);
  });

export type Config = z.infer<typeof configSchema>;

/** Policies name known schedules and people; a default policy exists; contacts have their provider switched on. */
function checkPaging(
  config: {
    paging: z.infer<typeof pagingSettings>;
    oncall: { schedules: { id: string }[] };
    approvals: { people: PersonConfig[] };
    slack: { botToken?: string | undefined };
    telegram: { botToken?: string | undefined };
    discord: { botToken?: string | undefined };
  },
  known: Set<string>,
  context: z.RefinementCtx,
): void {
  const { paging } = config;
  const schedules = new Set(config.oncall.schedules.map((schedule) => schedule.id));
  paging.policies.forEach((policy, index) => {
    policy.steps.forEach((step, stepIndex) => {
      const path = ['paging', 'policies', index, 'steps', stepIndex];
      if (step.schedule !== undefined && !schedules.has(step.schedule))
        context.addIssue({ code: 'custom', path: [...path, 'schedule'], message: `${step.schedule} is not in oncall.schedules` });
      for (const person of step.people ?? []) {
        if (!known.has(person)) context.addIssue({ code: 'custom', path: [...path, 'people'], message: `${person} is not in approvals.people` });
      }
    });
  });
  if (paging.defaultPolicy !== undefined && !paging.policies.some((policy) => policy.id === paging.defaultPolicy))
    context.addIssue({ code: 'custom', path: ['paging', 'defaultPolicy'], message: `no policy named ${paging.defaultPolicy}` });
  // What each contact needs switched on, when it is not.
  const missing: Record<string, string | undefined> = {
    sms: paging.twilio === undefined ? 'paging.twilio' : undefined,
    voice: paging.twilio === undefined ? 'paging.twilio' : undefined,
    pagerduty: paging.pagerduty === undefined ? 'paging.pagerduty' : undefined,
    opsgenie: paging.opsgenie === undefined ? 'paging.opsgenie' : undefined,
    ntfy: paging.ntfy === undefined ? 'paging.ntfy' : undefined,
    slack: config.slack.botToken === undefined ? 'slack (SLACK_BOT_TOKEN)' : undefined,
    telegram: config.telegram.botToken === undefined ? 'telegram (TELEGRAM_BOT_TOKEN)' : undefined,
    discord: config.discord.botToken === undefined ? 'discord (DISCORD_BOT_TOKEN)' : undefined,
  };
  config.approvals.people.forEach((person, index) => {
    for (const channel of Object.keys(person.contacts ?? {})) {
      const needed = missing[channel];
      if (needed !== undefined)
        context.addIssue({ code: 'custom', path: ['approvals', 'people', index, 'contacts', channel], message: `${needed} is not configured` });
    }
    if (person.contacts?.pagerduty === true && paging.pagerduty?.routingKey === undefined)
      context.addIssue({ code: 'custom', path: ['approvals', 'people', index, 'contacts', 'pagerduty'], message: 'true needs paging.pagerduty.routingKey' });
  });
}
