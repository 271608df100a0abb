// The OpenAI endpoints besides chat and embeddings (issue 18, docs/endpoints.md): their names, their
// paths under a channel's base_url, and the bodies the relay sends them, as plain data.
import type { JsonObject } from './chat.ts';

export type EndpointName =
  | 'images.generations'
  | 'images.edits'
  | 'audio.transcriptions'
  | 'audio.translations'
  | 'audio.speech'
  | 'moderations'
  | 'rerank';

/** Each endpoint's path after an OpenAI-compatible base_url (which ends in `/v1`), and after an Azure deployment. */
export const endpointPaths: Readonly<Record<EndpointName, string>> = {
  'images.generations': '/images/generations',
  'images.edits': '/images/edits',
  'audio.transcriptions': '/audio/transcriptions',
  'audio.translations': '/audio/translations',
  'audio.speech': '/audio/speech',
  moderations: '/moderations',
  rerank: '/rerank',
};

/** One uploaded file of a multipart body, held once in memory (a retry or a failover sends it again). */
export interface MultipartFile {
  /** The form field's name (`file`, `image`, `image[]`, `mask`). */
  field: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

/**
 * The client's body as the relay re-sends it to each channel with that channel's model name: a JSON
 * object, or a multipart form's text fields (in the client's order) and files.
 */
export type EndpointBody =
  | { readonly kind: 'json'; readonly json: JsonObject }
  | { readonly kind: 'multipart'; readonly fields: readonly (readonly [string, string])[]; readonly files: readonly MultipartFile[] };

/**
 * How a try's answer is taken before the try counts as answered: `whole` reads the entire body inside
 * the try (a JSON or text answer; a body that breaks off fails over), `streamed` reads only its first
 * bytes inside the try (audio, SSE) and hands the rest to the client as it arrives.
 */
export type AnswerMode = 'whole' | 'streamed';
