import type { FastifyInstance } from 'fastify';
import type { AlertSource } from '../alerts/alert.ts';
import type { IngestResult } from '../ingest/ingest-alerts.ts';
import { repairedAnswer, repairedLogLine } from './repaired-answer.ts';
import { silentLogger, type Logger } from '../ports/logger.ts';
import type { Metrics } from './metrics.ts';
import { requireWebhookAuth } from './require-webhook-auth.ts';
import type { WebhookCredentials } from './webhook-auth.ts';

export interface AlertRoutesOptions {
  credentials: WebhookCredentials;
  ingest: (source: AlertSource, body: unknown) => Promise<IngestResult>;
  metrics: Metrics;
  /** One line per webhook request (source, alerts stored and ignored, incidents touched, status). */
  log?: Logger;
}

const routes: [string, AlertSource][] = [
  ['/api/v1/alerts/alertmanager', 'alertmanager'],
  ['/api/v1/alerts/grafana', 'grafana'],
  ['/api/v1/alerts', 'generic'],
];

/** Webhook endpoints. 200 only once the alerts and their follow-up jobs are committed. */
export function registerAlertRoutes(app: FastifyInstance, options: AlertRoutesOptions): void {
  const log = options.log ?? silentLogger;
  for (const [path, source] of routes) {
    app.post(path, { onRequest: requireWebhookAuth(options.credentials) }, async (request, reply) => {
      const result = await options.ingest(source, request.body);
      if (result.ok) {
        options.metrics.alertsReceived.inc({ source }, result.stored);
        const repaired = result.repaired?.length ? repairedAnswer(result.repaired) : {};
        if (result.repaired?.length) log.warn(repairedLogLine(source, result.repaired), 'values PostgreSQL cannot store were repaired');
        const milliseconds = Math.round(reply.elapsedTime);
        log.info({ source, stored: result.stored, ignored: result.ignored, incidents: result.incidents.length, status: 200, milliseconds }, 'alerts received');
        return reply.code(200).send({ status: 'ok', stored: result.stored, ignored: result.ignored, incidents: result.incidents, ...repaired });
      }
      if (result.error.code === 'invalid_payload') {
        options.metrics.alertsRejected.inc({ source, reason: 'invalid' });
        log.info({ source, issues: result.error.issues.length, status: 400 }, 'alerts refused: invalid payload');
        return reply.code(400).send({ error: 'invalid_payload', issues: result.error.issues });
      }
      options.metrics.alertsRejected.inc({ source, reason: 'storage' });
      log.warn({ source, status: 503, reason: result.error.code }, 'storage unavailable: answered 503 with Retry-After so the sender retries');
      return reply.code(503).header('retry-after', '5').send({ error: 'storage_unavailable', message: 'try again later' });
    });
  }
}
