import { Ollama } from 'ollama';
import { errorBodyText, modelErrorFromStatus } from '../../src/brain/model-errors.ts';
import type { ModelError } from '../../src/ports/model-port.ts';

/** A non-2xx answer, raised inside our fetch so the client never parses (or console.logs) an error body. */
export class OllamaHttpError extends Error {
  readonly failure: ModelError;
  constructor(failure: ModelError) {
    super(failure.message);
    this.failure = failure;
  }
}

/**
 * An `ollama` client for one call: the package takes no per-call signal for non-streamed calls, so its fetch
 * carries `signal`, and refuses a non-2xx answer as an `OllamaHttpError` with the failure already mapped.
 */
export function ollamaClient(host: string, signal: AbortSignal): Ollama {
  return new Ollama({
    host,
    fetch: async (input, init) => {
      const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
      if (!response.ok) {
        const body = await response.text().catch(() => '');
        throw new OllamaHttpError(modelErrorFromStatus('ollama', response.status, errorBodyText(body), response.headers.get('retry-after')));
      }
      return response;
    },
  });
}
