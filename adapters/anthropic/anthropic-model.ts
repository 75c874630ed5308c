import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { errorBodyText, invalidResponse, modelErrorFromStatus, modelErrorFromTransport, streamCutOff } from '../../src/brain/model-errors.ts';
import type { ModelCallOptions, ModelPort, ModelRequest, ModelResult } from '../../src/ports/model-port.ts';

export interface AnthropicModelOptions {
  /** ANTHROPIC_API_KEY. */
  apiKey: string;
  /** For tests and proxies; undefined for Anthropic's API. */
  baseUrl: string | undefined;
  model: string;
}

// Deliberately partial: only what is read.
const message = z.object({
  model: z.string(),
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullable().optional(),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).optional(),
});

/**
 * Anthropic's Messages API through `@anthropic-ai/sdk`, the answer held to the JSON Schema by structured
 * output (`output_config.format`). The client's own retries are off: the brain chain decides what is retried.
 */
export class AnthropicModel implements ModelPort {
  readonly provider = 'anthropic';
  readonly local = false;
  readonly model: string;
  readonly #client: Anthropic;
  readonly #secrets: string[];

  constructor(options: AnthropicModelOptions) {
    this.model = options.model;
    this.#secrets = [options.apiKey];
    this.#client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseUrl ?? null, maxRetries: 0, timeout: 10 * 60_000 });
  }

  async complete(request: ModelRequest, { signal, onText }: ModelCallOptions): Promise<ModelResult> {
    let raw: unknown;
    const body = {
      model: this.model,
      max_tokens: request.maxOutputTokens,
      system: request.system,
      messages: [{ role: 'user' as const, content: request.prompt }],
      output_config: { format: { type: 'json_schema' as const, schema: request.schema } },
    };
    try {
      if (onText === undefined) raw = await this.#client.messages.create(body, { signal });
      else {
        // Server-sent events: message_start (model, input tokens), text deltas, message_delta (stop reason, output tokens).
        const stream = await this.#client.messages.create({ ...body, stream: true }, { signal });
        let text = '';
        let model = this.model;
        let stopReason: string | null = null;
        const usage = { input_tokens: 0, output_tokens: 0 };
        for await (const event of stream) {
          if (event.type === 'message_start') {
            model = event.message?.model ?? model;
            usage.input_tokens = event.message?.usage?.input_tokens ?? 0;
          } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
            text += event.delta.text;
            onText(text);
          } else if (event.type === 'message_delta') {
            stopReason = event.delta.stop_reason ?? stopReason;
            usage.output_tokens = event.usage?.output_tokens ?? 0;
          }
        }
        if (signal.aborted || stopReason === null) return { ok: false, error: streamCutOff('anthropic', signal) };
        raw = { model, content: [{ type: 'text', text }], stop_reason: stopReason, usage };
      }
    } catch (error) {
      if (error instanceof Anthropic.APIError && error.status !== undefined) {
        const text = errorBodyText(JSON.stringify(error.error ?? { error: error.message }));
        return { ok: false, error: modelErrorFromStatus('anthropic', error.status, text, error.headers?.get('retry-after'), this.#secrets) };
      }
      if (error instanceof SyntaxError) return { ok: false, error: invalidResponse('anthropic', 'the answer is not JSON') };
      return { ok: false, error: modelErrorFromTransport('anthropic', error, signal) };
    }
    const parsed = message.safeParse(raw);
    if (!parsed.success) return { ok: false, error: invalidResponse('anthropic', 'the answer has no content') };
    const answer = parsed.data;
    if (answer.stop_reason === 'max_tokens') return { ok: false, error: invalidResponse('anthropic', 'the answer was cut off at the token limit') };
    if (answer.stop_reason === 'refusal') return { ok: false, error: invalidResponse('anthropic', 'the model refused') };
    const text = answer.content.flatMap((block) => (block.type === 'text' && block.text !== undefined ? [block.text] : [])).join('');
    if (text === '') return { ok: false, error: invalidResponse('anthropic', 'the answer is empty') };
    const usage = answer.usage ? { inputTokens: answer.usage.input_tokens, outputTokens: answer.usage.output_tokens } : null;
    return { ok: true, answer: { text, model: answer.model, usage } };
  }
}
