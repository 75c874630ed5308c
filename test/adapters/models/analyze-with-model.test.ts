import { afterEach, describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../../src/cli/analyze-command.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { collectOutput } from '../../support/collect-output.ts';
import { type FakeModelServer, startFakeModelServer } from '../../support/fake-model-server.ts';

const alerts = new URL('../../fixtures/alertmanager-v4-crashloop.json', import.meta.url).pathname;
const topology = new URL('../../../adapters/sandbox/demo-topology.yaml', import.meta.url).pathname;

let server: FakeModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('awoooi analyze with a model configured (fake Anthropic API, simulated)', () => {
  it('shows what the model would propose, on the same chain as the bot, with names pseudonymized on the wire', async () => {
    server = await startFakeModelServer('anthropic', (request) => {
      const prompt = JSON.parse(request.body).messages[0].content as string;
      const pod = /"pod": "(\[NAME_\d+\])"/.exec(prompt)![1];
      const namespace = /"namespace": "(\[NAMESPACE_\d+\])"/.exec(prompt)![1];
      return {
        text: JSON.stringify({
          diagnosis: `${pod} in ${namespace} crash loops.`,
          confidence: 0.6,
          actions: [{ action: 'evict_pod', target: { kind: 'Pod', namespace, name: pod }, params: {}, reason: 'reschedule it' }],
        }),
      };
    });
    const config = loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: server.url });
    if (!config.ok) throw new Error(config.errors.join('\n'));
    const output = collectOutput();
    const errors = collectOutput();
    const code = await analyzeCommand(config.config, { alerts, topology, json: true }, output.stream, errors.stream);
    expect(errors.text()).toBe('');
    expect(code).toBe(0);
    const [incident] = JSON.parse(output.text()).incidents;
    expect(incident.diagnosedBy).toBe('anthropic fake-anthropic-model');
    expect(incident.diagnosis).toBe('api-7d9f-x2k in payments crash loops.');
    expect(incident.proposals[0]).toMatchObject({ action: 'evict_pod', target: { kind: 'Pod', namespace: 'payments', name: 'api-7d9f-x2k' }, risk: 'MEDIUM' });
    expect(server.requests[0]!.body).not.toContain('api-7d9f-x2k');
  });
});
