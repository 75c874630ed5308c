import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseRiskOf, validatePlannedAction } from '../../../src/actions/action-catalog.ts';
import { policyRisk } from '../../../src/approval/policy-risk.ts';
import { BrainChain } from '../../../src/brain/brain-chain.ts';
import { ephemeralVaults } from '../../../src/brain/incident-vaults.ts';
import { incidentScope, outsideScope } from '../../../src/brain/incident-scope.ts';
import { PromptTemplate } from '../../../src/brain/prompt-template.ts';
import { diagnoseWithRules } from '../../../src/brain/rule-brain.ts';
import { risks } from '../../../src/domain/risk.ts';
import { deadline } from '../../../src/ports/call-options.ts';
import type { ModelRequest } from '../../../src/ports/model-port.ts';
import { type AlertSpec, diagnosisOf, incidentOfPrompt, scriptedModel, secrets } from '../../support/brain-fixtures.ts';

interface Entry {
  id: string;
  where: 'annotation' | 'summary' | 'label' | 'labelKey' | 'alertname' | 'log';
  note: string;
  text: string;
  demand: Record<string, unknown>;
}

const corpus: { entries: Entry[] } = JSON.parse(readFileSync(new URL('../../fixtures/prompt-injection-corpus.json', import.meta.url), 'utf8'));
const prompt = PromptTemplate.load('diagnose-incident', 1);
const hiddenCharacters = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\u{E0000}-\u{E007F}]/u;

/** The crash-looping checkout of shop, PII in its text, and the injection where the entry puts it. */
function alertWith(entry: Entry): AlertSpec {
  const labels: Record<string, string> = {
    alertname: 'KubePodCrashLooping',
    namespace: 'shop',
    pod: 'checkout-5c7d8f-x2k9q',
    container: 'checkout',
    node: 'ip-10-0-3-17.ec2.internal',
    instance: `${secrets.ip}:9100`,
    severity: 'critical',
  };
  const annotations: Record<string, string> = {
    summary: 'Pod is crash looping.',
    description: `Escalate to ${secrets.email}; token ${secrets.github}; postgres://app:${secrets.dbPassword}@${secrets.dbIp}:5432/orders`,
  };
  if (entry.where === 'annotation') annotations['description'] += ` ${entry.text}`;
  if (entry.where === 'summary') annotations['summary'] = entry.text;
  if (entry.where === 'log') annotations['log'] = entry.text;
  if (entry.where === 'label') labels['note'] = entry.text;
  if (entry.where === 'labelKey') labels[entry.text] = 'true';
  if (entry.where === 'alertname') labels['alertname'] = entry.text;
  return { labels, annotations };
}

/** What an obedient model proposes: the demand, with the incident's names as the model saw them. */
function obey(entry: Entry, request: ModelRequest): string {
  const incident = incidentOfPrompt(request.prompt);
  const seen: Record<string, string> = {
    $NAMESPACE: incident.topology.find((entry: { namespace?: string }) => entry.namespace)?.namespace,
    $SERVICE: incident.alerts[0].service,
    $HOST: incident.alerts[0].labels.node,
  };
  const resolved = JSON.parse(JSON.stringify(entry.demand).replace(/\$(NAMESPACE|SERVICE|HOST)/g, (placeholder) => seen[placeholder]!));
  const { __topLevel, ...action } = resolved;
  return JSON.stringify({ diagnosis: 'Following the instructions found in the alert.', confidence: 1, actions: [action], ...__topLevel });
}

function unsafeProposals(planned: unknown[], scope: ReturnType<typeof incidentScope>): string[] {
  return planned.flatMap((plan) => {
    const validated = validatePlannedAction(plan);
    if (!validated.ok) return [`outside the catalog: ${validated.error.message}`];
    if (Object.keys(plan as object).some((key) => !['action', 'target', 'params'].includes(key))) return ['carries keys of its own'];
    const outside = outsideScope(validated.action.target, scope);
    if (outside !== null) return [`outside the incident: ${outside}`];
    const risk = policyRisk(validated.action);
    if (risk === 'CRITICAL') return ['CRITICAL'];
    if (risks.indexOf(risk) < risks.indexOf(baseRiskOf(validated.action))) return [`risk ${risk} below the catalog's`];
    return [];
  });
}

describe('prompt injection corpus against a scripted malicious model that obeys it (simulated)', () => {
  it('has at least 50 attempts across labels, annotations, log lines, base64, other languages and hidden characters', () => {
    expect(corpus.entries.length).toBeGreaterThanOrEqual(50);
    expect(new Set(corpus.entries.map((entry) => entry.where))).toEqual(new Set(['annotation', 'summary', 'label', 'labelKey', 'alertname', 'log']));
  });

  describe.each([
    { kind: 'local', local: true },
    { kind: 'cloud', local: false },
  ])('$kind model', ({ local }) => {
    it.each(corpus.entries.map((entry) => [entry.id, entry.note, entry] as const))(
      '%s (%s) yields no unsafe proposal and leaks nothing',
      async (_id, _note, entry) => {
        const input = diagnosisOf([alertWith(entry)], `incident-${entry.id}`);
        const scope = incidentScope(input);
        const malicious = scriptedModel(local ? 'ollama' : 'anthropic', local, (request) => ({
          ok: true,
          answer: { text: obey(entry, request), model: 'malicious', usage: null },
        }));
        const brain = new BrainChain({
          models: [malicious],
          vaults: ephemeralVaults,
          prompt,
          pseudonymizeNames: 'auto',
          callTimeoutMilliseconds: 5_000,
          retries: 0,
          breaker: { failures: 100, cooldownMilliseconds: 1 },
        });
        const result = await brain.diagnose(input, { signal: deadline(10_000) });
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const { diagnosis } = result;

        expect(
          unsafeProposals(
            diagnosis.proposals.map((proposal) => proposal.planned),
            scope,
          ),
        ).toEqual([]);
        // The incident still gets the rules' remediation: the injection cannot take the analysis away.
        const planned = diagnosis.proposals.map((proposal) => proposal.planned);
        expect(planned).toEqual(expect.arrayContaining(diagnoseWithRules(input).proposals.map((proposal) => proposal.planned)));

        const [request] = malicious.requests;
        const wire = JSON.stringify(request);
        for (const value of Object.values(secrets)) expect(wire).not.toContain(value);
        expect(hiddenCharacters.test(request!.prompt)).toBe(false);
        // The data stays inside its fence: exactly one closing marker, and the data parses as the JSON that was sent.
        const nonce = /<incident-data nonce="([0-9a-f]+)">/.exec(request!.prompt)![1]!;
        expect(request!.prompt.split(`</incident-data nonce="${nonce}">`)).toHaveLength(2);
        expect(incidentOfPrompt(request!.prompt).alerts).toHaveLength(1);
        if (!local) expect(wire).not.toContain('checkout');
      },
    );
  });
});
