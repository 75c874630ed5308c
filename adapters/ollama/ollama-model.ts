import { z } from 'zod';
import { OllamaHttpError, ollamaClient } from './ollama-client.ts';
import { invalidResponse, modelErrorFromTransport, streamCutOff } from '../../src/brain/model-errors.ts';
import type { ModelCallOptions, ModelPort, ModelRequest, ModelResult } from '../../src/ports/model-port.ts';

export interface OllamaModelOptions {
  /** OLLAMA_HOST, e.g. http://127.0.0.1:11434. */
  host: string;
  model: string;
}

// Deliberately partial: only what is read. A field Ollama adds tomorrow changes nothing here.
const chatResponse = z.object({
  model: z.string(),
  message: z.object({ content: z.string() }),
  done_reason: z.string().optional(),
  prompt_eval_count: z.number().optional(),
  eval_count: z.number().optional(),
});

/**
 * A local model through Ollama's /api/chat (the `ollama` package), with the answer held to the request's JSON
 * Schema (`format`). The client takes no per-call signal for a non-streamed chat, so each call gets a client
 * whose fetch carries it.
 */
export class OllamaModel implements ModelPort {
  readonly provider = 'ollama';
  readonly local = true;
  readonly model: string;
  readonly #host: string;

  constructor(options: OllamaModelOptions) {
    this.model = options.model;
    this.#host = options.host;
  }

  async complete(request: ModelRequest, { signal, onText }: ModelCallOptions): Promise<ModelResult> {
    const client = ollamaClient(this.#host, signal);
    let raw: unknown;
    try {
      const chat = {
        model: this.model,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.prompt },
        ],
        format: request.schema,
        options: { temperature: 0, num_predict: request.maxOutputTokens },
      };
      if (onText === undefined) raw = await client.chat({ ...chat, stream: false });
      else {
        // NDJSON parts: each carries the next piece of the message; the last one (done) the counts.
        let text = '';
        let last: unknown = null;
        for await (const part of await client.chat({ ...chat, stream: true })) {
          text += part.message?.content ?? '';
          onText(text);
          last = part;
        }
        if (signal.aborted || (last as { done?: unknown } | null)?.done !== true) return { ok: false, error: streamCutOff('ollama', signal) };
        raw = { ...(last as object), message: { content: text } };
      }
    } catch (error) {
      if (error instanceof OllamaHttpError) return { ok: false, error: error.failure };
      if (error instanceof SyntaxError) return { ok: false, error: invalidResponse('ollama', 'the answer is not JSON') };
      return { ok: false, error: modelErrorFromTransport('ollama', error, signal) };
    }
    const parsed = chatResponse.safeParse(raw);
    if (!parsed.success) return { ok: false, error: invalidResponse('ollama', 'the answer has no message content') };
    const answer = parsed.data;
    if (answer.done_reason === 'length') return { ok: false, error: invalidResponse('ollama', 'the answer was cut off at the token limit') };
    const usage = answer.prompt_eval_count === undefined ? null : { inputTokens: answer.prompt_eval_count, outputTokens: answer.eval_count ?? 0 };
    return { ok: true, answer: { text: answer.message.content, model: answer.model, usage } };
  }
}
