import type { EventBus } from '../ports/event-bus.ts';

/**
 * Tells live views to re-render, after commit. Best effort: the change is already in PostgreSQL, so a
 * failing bus (Redis down) must not turn a committed click into an error.
 */
export async function publishIncidentUpdated(events: EventBus, incidentId: string): Promise<void> {
  try {
    await events.publish({ type: 'incident-updated', incidentId });
  } catch {
    // Views catch up on their next read.
  }
}
