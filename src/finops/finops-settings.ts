import { z } from 'zod';

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must start with http:// or https://');

/** Where the weekly report goes: `slack:<channel id>` or `telegram:<chat id>`. */
const reportChannel = z
  .string()
  .regex(/^(slack:[CG][A-Z0-9]{2,40}|telegram:-?\d{1,20})$/, 'slack:<channel id such as C0123ABCD> or telegram:<chat id such as -1001234567890>')
  .transform((value) => {
    const [platform, channel] = value.split(':', 2) as ['slack' | 'telegram', string];
    return { platform, channel };
  });

/**
 * `finops` in awoooi.yaml (ADR 0024): where usage and costs come from and when the weekly report is posted.
 * Without `prometheusUrl` the sandbox's simulated usage history is used (and said so), a real cluster has none.
 */
export const finopsSettings = z
  .object({
    /** PROMETHEUS_URL: Prometheus' HTTP API base (container_cpu_usage_seconds_total, kube-state-metrics). */
    prometheusUrl: httpUrl.optional(),
    /** OPENCOST_URL: OpenCost's API base; its allocation costs replace the list prices where it answers. */
    opencostUrl: httpUrl.optional(),
    /** A workload whose CPU use stayed under 1% of its request this many days in a row is a zombie. */
    zombieDays: z.coerce.number().int().min(1).max(30).default(7),
    /** Recommendations worth less than this per month are left out (rounding noise, tiny pods). */
    minimumMonthly: z.coerce.number().nonnegative().default(1),
    report: z
      .object({
        /** AWOOOI_FINOPS_REPORT_CHANNEL; without it there is no weekly report. */
        channel: reportChannel.optional(),
        /** ISO weekday (1 = Monday … 7 = Sunday) and UTC hour at which the week's report is due. */
        weekday: z.coerce.number().int().min(1).max(7).default(1),
        hour: z.coerce.number().int().min(0).max(23).default(8),
      })
      .strict()
      .default({ weekday: 1, hour: 8 }),
  })
  .strict()
  .default({ zombieDays: 7, minimumMonthly: 1, report: { weekday: 1, hour: 8 } });

export type FinopsSettings = z.infer<typeof finopsSettings>;
