import { describe, expect, it } from 'vitest';
import { RuleBrain } from '../../../src/brain/rule-brain.ts';
import { brainChainText, chooseBrain, isLocalEndpoint } from '../../../src/cli/choose-brain.ts';
import { configCheckCommand } from '../../../src/cli/config-check-command.ts';
import { chainOf } from '../../../src/config/brain-settings.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { collectOutput } from '../../support/collect-output.ts';

function brainOf(environment: Record<string, string>) {
  const result = loadConfig(environment);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config.brain;
}

function problems(environment: Record<string, string>): string {
  const result = loadConfig(environment);
  return result.ok ? '' : result.errors.join('\n');
}

describe('brain settings', () => {
  it('keep the rules alone when nothing is configured', () => {
    const brain = brainOf({});
    expect(chainOf(brain)).toEqual([]);
    expect(chooseBrain(brain)).toBeInstanceOf(RuleBrain);
    expect(brainChainText(brain)).toBe('rules');
  });

  it('switch a provider on by its configuration alone, local first', () => {
    const brain = brainOf({ ANTHROPIC_API_KEY: 'sk-ant-x', OLLAMA_HOST: 'http://gpu-box:11434', OLLAMA_MODEL: 'qwen2.5:14b' });
    expect(chainOf(brain)).toEqual(['ollama', 'anthropic']);
    expect(brainChainText(brain)).toBe('ollama qwen2.5:14b (local) → anthropic claude-sonnet-4-5 (cloud, names pseudonymized) → rules');
  });

  it('follow AWOOOI_LLM_CHAIN, and AWOOOI_BRAIN with OLLAMA_URL', () => {
    expect(chainOf(brainOf({ AWOOOI_LLM_CHAIN: 'anthropic, ollama, rules', ANTHROPIC_API_KEY: 'k' }))).toEqual(['anthropic', 'ollama']);
    const brain = brainOf({ AWOOOI_BRAIN: 'ollama', OLLAMA_URL: 'http://127.0.0.1:11500/' });
    expect(chainOf(brain)).toEqual(['ollama']);
    expect(brain.ollama.host).toBe('http://127.0.0.1:11500');
    expect(chooseBrain(brain).description).toBe('ollama llama3.1:8b (local) → rules');
  });

  it('say which OpenAI-compatible servers are local', () => {
    expect(brainChainText(brainOf({ OPENAI_BASE_URL: 'http://vllm.ai.svc:8000/v1' }))).toBe('openai gpt-4.1-mini (local) → rules');
    expect(brainChainText(brainOf({ OPENAI_API_KEY: 'sk-x' }))).toBe('openai gpt-4.1-mini (cloud, names pseudonymized) → rules');
    expect(brainChainText(brainOf({ OPENAI_BASE_URL: 'https://api.together.xyz/v1', OPENAI_API_KEY: 'k' }))).toContain('(cloud, names pseudonymized)');
    expect(brainChainText(brainOf({ OPENAI_BASE_URL: 'https://llm.example.com/v1', OPENAI_LOCAL: 'true' }))).toContain('(local)');
    expect(brainChainText(brainOf({ AWOOOI_LLM_PSEUDONYMIZE_NAMES: 'always', OLLAMA_HOST: 'http://127.0.0.1:11434' }))).toContain(
      '(local, names pseudonymized)',
    );
    for (const url of [
      'http://localhost:1234',
      'http://127.0.0.1:8080',
      'http://10.1.2.3',
      'http://192.168.1.9',
      'http://[::1]:8000',
      'http://llama',
      'http://x.cluster.local',
    ])
      expect(isLocalEndpoint(url)).toBe(true);
    for (const url of ['https://api.openai.com/v1', 'http://8.8.8.8', 'http://172.32.0.1']) expect(isLocalEndpoint(url)).toBe(false);
  });

  it('refuse a chain that cannot run, naming the variable', () => {
    expect(problems({ AWOOOI_LLM_CHAIN: 'openai' })).toMatch(/^AWOOOI_LLM_CHAIN: openai needs OPENAI_API_KEY/m);
    expect(problems({ AWOOOI_LLM_CHAIN: 'anthropic' })).toMatch(/^AWOOOI_LLM_CHAIN: anthropic needs ANTHROPIC_API_KEY/m);
    expect(problems({ AWOOOI_LLM_CHAIN: 'rules,ollama' })).toMatch(/^AWOOOI_LLM_CHAIN: rules answer last/m);
    expect(problems({ AWOOOI_LLM_CHAIN: 'gemini' })).toMatch(/^AWOOOI_LLM_CHAIN: /m);
    expect(problems({ OLLAMA_HOST: 'gpu-box:11434' })).toMatch(/^OLLAMA_HOST: must be an http/m);
    expect(problems({ AWOOOI_LLM_PSEUDONYMIZE_NAMES: 'sometimes' })).toMatch(/^AWOOOI_LLM_PSEUDONYMIZE_NAMES: /m);
  });

  it('show in `awoooi config check`', async () => {
    const output = collectOutput();
    const errors = collectOutput();
    const code = await configCheckCommand(output.stream, errors.stream, { OLLAMA_HOST: 'http://127.0.0.1:11434' });
    expect(code).toBe(0);
    expect(output.text()).toContain('  brain: ollama llama3.1:8b (local) → rules\n');
  });

  it('make `awoooi config check` require the vault key with a model on an external database', async () => {
    const output = collectOutput();
    const errors = collectOutput();
    const environment = { OLLAMA_HOST: 'http://127.0.0.1:11434', DATABASE_URL: 'postgres://db.internal/awoooi' };
    expect(await configCheckCommand(output.stream, errors.stream, environment)).toBe(2);
    expect(errors.text()).toContain('AWOOOI_VAULT_KEY: a model is configured and DATABASE_URL is set');
    const fine = collectOutput();
    expect(await configCheckCommand(fine.stream, collectOutput().stream, { ...environment, AWOOOI_VAULT_KEY: Buffer.alloc(32, 1).toString('base64') })).toBe(0);
  });
});
