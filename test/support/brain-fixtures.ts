import { readFileSync } from 'node:fs';
import { parseAlertmanager } from '../../src/alerts/parse-alertmanager.ts';
import { analyzeIncident } from '../../src/analysis/analyze-incident.ts';
import { diagnosisInput } from '../../src/analysis/diagnosis-input.ts';
import type { DiagnosisInput } from '../../src/ports/brain-port.ts';
import type { ModelPort, ModelProvider, ModelRequest, ModelResult } from '../../src/ports/model-port.ts';
import { parseTopology } from '../../src/topology/parse-topology.ts';
import { serviceOfAlert } from '../../src/topology/service-of-alert.ts';
import { TopologyGraph } from '../../src/topology/topology-graph.ts';

const topology = parseTopology(readFileSync(new URL('../../adapters/sandbox/demo-topology.yaml', import.meta.url), 'utf8'));
if (!topology.ok) throw new Error(topology.errors.join('\n'));
export const demoGraph = TopologyGraph.build(topology.services);

export interface AlertSpec {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Alerts as Alertmanager sends them, through the same parsing, mapping and analysis as the live path. */
export function diagnosisOf(alerts: AlertSpec[], incidentId?: string): DiagnosisInput {
  const parsed = parseAlertmanager({
    version: '4',
    groupKey: '{}:{alertname="test"}',
    status: 'firing',
    alerts: alerts.map((alert, index) => ({
      status: 'firing',
      labels: alert.labels,
      annotations: alert.annotations ?? {},
      startsAt: `2026-12-02T08:0${index}:00Z`,
      endsAt: '0001-01-01T00:00:00Z',
    })),
  });
  if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
  const mapped = parsed.alerts.map((alert) => ({ ...alert, service: serviceOfAlert(alert.labels) }));
  const analysis = analyzeIncident(mapped, demoGraph, 3);
  const services = [...new Set(mapped.flatMap((alert) => (alert.service ? [alert.service] : [])))];
  return diagnosisInput(
    { ...(incidentId === undefined ? {} : { id: incidentId }), title: 'test', severity: 'critical', services, alerts: mapped },
    analysis,
    demoGraph,
  );
}

/** Raw values an alert may carry that no model may ever see. */
export const secrets = {
  ip: '10.0.3.17',
  dbIp: '10.0.3.20',
  ipv6: 'fe80::1ff:fe23:4567:890a',
  email: 'oncall.lead@example.com',
  github: 'ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s12',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  dbPassword: 's3cretP4ss-do-not-leak',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  bearer: 'Bearer abcdefghijklmnopqrstuvwxyz012345',
  slackHook: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
  phone: '+49 30 123456789',
};

/** A crash-looping checkout in shop whose alert text is full of PII and secrets. */
export function pIIIncident(incidentId?: string): DiagnosisInput {
  return diagnosisOf(
    [
      {
        labels: {
          alertname: 'KubePodCrashLooping',
          namespace: 'shop',
          pod: 'checkout-5c7d8f-x2k9q',
          container: 'checkout',
          instance: `${secrets.ip}:9100`,
          node: 'ip-10-0-3-17.ec2.internal',
          severity: 'critical',
        },
        annotations: {
          summary: `checkout cannot reach postgres://app:${secrets.dbPassword}@${secrets.dbIp}:5432/orders`,
          description: `Escalate to ${secrets.email} or ${secrets.phone}; token ${secrets.github}; key ${secrets.aws}; ${secrets.ipv6}`,
          log: `Authorization: ${secrets.bearer} session=${secrets.jwt} hook=${secrets.slackHook}`,
        },
      },
    ],
    incidentId,
  );
}

/** The incident data a prompt carries, parsed back out of its fence. */
export function incidentOfPrompt(prompt: string): any {
  const fenced = /<incident-data nonce="([0-9a-f]+)">\n([\s\S]*?)\n<\/incident-data nonce="\1">/.exec(prompt);
  if (fenced === null) throw new Error('no fenced incident data in the prompt');
  return JSON.parse(fenced[2]!);
}

/** A model that answers by script and records every request; SIMULATED, no model runs. */
export function scriptedModel(
  provider: ModelProvider,
  local: boolean,
  script: (request: ModelRequest, call: number) => ModelResult | Promise<ModelResult>,
): ModelPort & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    provider,
    model: `scripted-${provider}`,
    local,
    requests,
    complete: async (request) => {
      requests.push(request);
      return script(request, requests.length - 1);
    },
  };
}

/** A model answer of the schema, as text. */
export function answer(diagnosis: string, actions: unknown[] = [], confidence = 0.8): ModelResult {
  return { ok: true, answer: { text: JSON.stringify({ diagnosis, confidence, actions }), model: 'scripted', usage: { inputTokens: 10, outputTokens: 5 } } };
}
