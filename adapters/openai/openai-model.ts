import OpenAI from 'openai';
import { z } from 'zod';
import { errorBodyText, invalidResponse, modelErrorFromStatus, modelErrorFromTransport, streamCutOff } from '../../src/brain/model-errors.ts';
import type { ModelCallOptions, ModelPort, ModelRequest, ModelResult } from '../../src/ports/model-port.ts';

export interface OpenAiModelOptions {
  /** OPENAI_API_KEY; servers that want none (vLLM, LM Studio, llama.cpp, Ollama's /v1) get a placeholder. */
  apiKey: string | undefined;
  /** OPENAI_BASE_URL, e.g. http://127.0.0.1:8000/v1; undefined for OpenAI itself. */
  baseUrl: string | undefined;
  model: string;
  /** Runs on the operator's own infrastructure (see the config's `brain.openai.local`). */
  local: boolean;
}

// Deliberately partial: only what is read.
const completion = z.object({
  model: z.string(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullable().optional(),
});

/**
 * OpenAI, or any server that speaks its chat-completions API (vLLM, LM Studio, llama.cpp server, Ollama's /v1),
 * through the `openai` package with a base URL. The answer is held to the JSON Schema (`response_format`).
 * The client's own retries are off: the brain chain decides what is retried.
 */
export class OpenAiModel implements ModelPort {
  readonly provider = 'openai';
  readonly model: string;
  readonly local: boolean;
  readonly #client: OpenAI;
  readonly #compatible: boolean;
  readonly #secrets: string[];

  constructor(options: OpenAiModelOptions) {
    this.model = options.model;
    this.local = options.local;
    this.#compatible = options.baseUrl !== undefined;
    this.#secrets = options.apiKey === undefined ? [] : [options.apiKey];
    this.#client = new OpenAI({ apiKey: options.apiKey ?? 'unused', baseURL: options.baseUrl ?? null, maxRetries: 0, timeout: 10 * 60_000 });
  }

  async complete(request: ModelRequest, { signal, onText }: ModelCallOptions): Promise<ModelResult> {
    let raw: unknown;
    const body = {
      model: this.model,
      messages: [
        { role: 'system' as const, content: request.system },
        { role: 'user' as const, content: request.prompt },
      ],
      response_format: { type: 'json_schema' as const, json_schema: { name: 'incident_diagnosis', schema: request.schema } },
      // OpenAI's newer models refuse max_tokens and a temperature; the compatible servers know max_tokens best.
      ...(this.#compatible ? { max_tokens: request.maxOutputTokens, temperature: 0 } : { max_completion_tokens: request.maxOutputTokens }),
    };
    try {
      if (onText === undefined) raw = await this.#client.chat.completions.create(body, { signal });
      else {
        // Server-sent chunks, each a delta; usage comes in a last chunk where the server sends one.
        const stream = await this.#client.chat.completions.create(
          { ...body, stream: true, ...(this.#compatible ? {} : { stream_options: { include_usage: true } }) },
          { signal },
        );
        let text = '';
        let model = this.model;
        let finishReason: string | null = null;
        let usage: unknown = null;
        for await (const chunk of stream) {
          model = chunk.model ?? model;
          const [choice] = chunk.choices ?? [];
          text += choice?.delta?.content ?? '';
          finishReason = choice?.finish_reason ?? finishReason;
          usage = chunk.usage ?? usage;
          onText(text);
        }
        if (signal.aborted || finishReason === null) return { ok: false, error: streamCutOff('openai', signal) };
        raw = { model, choices: [{ message: { content: text }, finish_reason: finishReason }], usage };
      }
    } catch (error) {
      if (error instanceof OpenAI.APIError && error.status !== undefined) {
        const message = errorBodyText(JSON.stringify({ error: error.error ?? error.message }));
        return { ok: false, error: modelErrorFromStatus('openai', error.status, message, error.headers?.get('retry-after'), this.#secrets) };
      }
      if (error instanceof SyntaxError) return { ok: false, error: invalidResponse('openai', 'the answer is not JSON') };
      return { ok: false, error: modelErrorFromTransport('openai', error, signal) };
    }
    const parsed = completion.safeParse(raw);
    if (!parsed.success) return { ok: false, error: invalidResponse('openai', 'the answer has no choices') };
    const [choice] = parsed.data.choices;
    if (choice!.finish_reason === 'length') return { ok: false, error: invalidResponse('openai', 'the answer was cut off at the token limit') };
    const text = choice!.message.content;
    if (!text) return { ok: false, error: invalidResponse('openai', choice!.message.refusal ? 'the model refused' : 'the answer is empty') };
    const usage = parsed.data.usage ? { inputTokens: parsed.data.usage.prompt_tokens, outputTokens: parsed.data.usage.completion_tokens } : null;
    return { ok: true, answer: { text, model: parsed.data.model, usage } };
  }
}
