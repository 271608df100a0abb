// Each route's request schema is built on the route's first use, not when the server starts
// (lib/build-once.ts): a gateway whose clients only call chat never holds the others' schemas.
import { describe, expect, it, vi } from 'vitest';
import type * as Zod from 'zod';

const zodCalls = vi.hoisted(() => ({ objects: 0 }));

vi.mock('zod', async (importOriginal) => {
  const zod = await importOriginal<typeof Zod>();
  const looseObject: typeof zod.looseObject = (...args) => {
    zodCalls.objects++;
    return zod.looseObject(...args);
  };
  return { ...zod, looseObject };
});

const { parseChatRequest } = await import('./chat-completions/parse-chat-request.ts');
const { parseCompletionsRequest } = await import('./completions/parse-completions-request.ts');
const { parseEmbeddingsRequest } = await import('./embeddings/parse-embeddings-request.ts');
const { parseImageGenerationRequest } = await import('./images/parse-image-generation-request.ts');
await import('./images/parse-image-edit-request.ts');
const { parseSpeechRequest } = await import('./audio/parse-speech-request.ts');
await import('./audio/parse-transcription-request.ts');
const { parseRerankRequest } = await import('./rerank/parse-rerank-request.ts');
const { parseModerationsRequest } = await import('./moderations/parse-moderations-request.ts');
const { parseResponsesRequest } = await import('./responses/parse-responses-request.ts');
const importedWith = zodCalls.objects;

/** How many zod objects `use` built. */
function objectsBuiltBy(use: () => unknown): number {
  const before = zodCalls.objects;
  use();
  return zodCalls.objects - before;
}

describe('request schemas', () => {
  it('are not built when their modules are loaded', () => {
    expect(importedWith).toBe(0);
  });

  it('are not built for a chat body of the common shapes', () => {
    expect(objectsBuiltBy(() => parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }))).toBe(0);
  });

  it('are built on the first request the route needs them for, and once', () => {
    const uncommonChat = { model: 'm', messages: [{ role: 'user', content: 'hi' }], functions: [{ name: 'f' }] };
    const uses: [string, () => unknown][] = [
      ['chat', () => parseChatRequest(uncommonChat)],
      ['completions', () => parseCompletionsRequest({ model: 'm', prompt: 'hi' })],
      ['embeddings', () => parseEmbeddingsRequest({ model: 'm', input: 'hi' })],
      ['images', () => parseImageGenerationRequest({ model: 'm', prompt: 'a cat' })],
      ['speech', () => parseSpeechRequest({ model: 'm', input: 'hi', voice: 'alloy' })],
      ['rerank', () => parseRerankRequest({ model: 'm', query: 'q', documents: ['d'] })],
      ['moderations', () => parseModerationsRequest({ input: 'hi' })],
      ['responses', () => parseResponsesRequest({ model: 'm', input: 'hi' }, { dropUnsupportedTools: false })],
    ];
    for (const [route, use] of uses) {
      expect(objectsBuiltBy(use), route).toBeGreaterThan(0);
      expect(objectsBuiltBy(use), `${route}, again`).toBe(0);
    }
  });
});
