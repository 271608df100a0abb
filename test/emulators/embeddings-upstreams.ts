// Embeddings upstreams. OpenAI's `POST /v1/embeddings` answer shape (OpenAI API reference,
// "Create embeddings"): `{"object":"list","data":[{"object":"embedding","embedding":[…],"index":0}],
// "model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}`. Ollama's native
// `POST /api/embed` (ollama/ollama docs/api.md "Generate Embeddings"): `{"model":"all-minilm",
// "embeddings":[[…]],"total_duration":…,"load_duration":…,"prompt_eval_count":8}`.
import { startEmulator, writeJson, type Emulator } from './emulator-server.ts';

const inputsOf = (input: unknown): unknown[] => (Array.isArray(input) ? input : [input]);
const vectorFor = (index: number): number[] => [0.25 * (index + 1), -0.5, 0.125];

/** An OpenAI-compatible upstream; the first `failures` calls answer 503. */
export function startOpenAiEmbeddings(failures = 0): Promise<Emulator> {
  let calls = 0;
  return startEmulator((request, response) => {
    calls += 1;
    if (calls <= failures) {
      writeJson(response, 503, '{"error":{"message":"The server is overloaded","type":"server_error","param":null,"code":null}}');
      return;
    }
    const inputs = inputsOf(request.body?.['input']);
    writeJson(
      response,
      200,
      JSON.stringify({
        object: 'list',
        data: inputs.map((_, index) => ({ object: 'embedding', embedding: vectorFor(index), index })),
        model: request.body?.['model'],
        usage: { prompt_tokens: 8 * inputs.length, total_tokens: 8 * inputs.length },
      }),
    );
  });
}

export function startOllamaEmbeddings(): Promise<Emulator> {
  return startEmulator((request, response) => {
    const inputs = inputsOf(request.body?.['input']);
    writeJson(
      response,
      200,
      JSON.stringify({ model: request.body?.['model'], embeddings: inputs.map((_, index) => vectorFor(index)), total_duration: 14143917, load_duration: 1019500, prompt_eval_count: 8 }),
    );
  });
}
