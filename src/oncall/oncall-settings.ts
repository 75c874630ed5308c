import { IANAZone } from 'luxon';
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, . _ -');
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** How long one shift of a rotation lasts: calendar days or weeks (hand-off at the same local time), or hours. */
const lengthSchema = z.union([
  z.object({ weeks: z.number().int().min(1).max(52) }).strict(),
  z.object({ days: z.number().int().min(1).max(366) }).strict(),
  z
    .object({
      hours: z
        .number()
        .int()
        .min(1)
        .max(24 * 366),
    })
    .strict(),
]);

/**
 * One rotation: people in turn from `start` (a local date) at `handoff` (local time), each for `length`, until
 * `end` (a local date, at the hand-off time; none: for good). A new rotation is a new layer from its start.
 */
const layerSchema = z
  .object({
    name: z.string().min(1).optional(),
    start: z.iso.date(),
    end: z.iso.date().optional(),
    handoff: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
      .default('09:00'),
    length: lengthSchema,
    people: z.array(id).min(1),
  })
  .strict();

/** Someone else takes the schedule from `from` to `to` (a swapped shift, a holiday). */
const overrideSchema = z
  .object({ person: id, from: instant, to: instant })
  .strict()
  .refine((override) => override.from < override.to, { message: 'from must be before to', path: ['to'] });

const scheduleSchema = z
  .object({
    id,
    name: z.string().min(1),
    timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'an IANA time zone, e.g. Europe/Berlin'),
    /** Later layers win while they run (start to end); the first is the base rotation. */
    layers: z.array(layerSchema).min(1),
    overrides: z.array(overrideSchema).default([]),
  })
  .strict();

/** `oncall` in awoooi.yaml: the schedules, and the token of their calendar feeds (none: no feeds). */
export const oncallSettings = z
  .object({
    schedules: z.array(scheduleSchema).default([]),
    calendarToken: z.string().min(16, 'at least 16 characters').optional(),
  })
  .strict()
  .default({ schedules: [] });

export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type LayerConfig = z.infer<typeof layerSchema>;
