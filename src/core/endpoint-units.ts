// Request units of issue 18's endpoints (config `units`, docs/endpoints.md "Units"): what an images,
// audio, moderations or rerank request counts against its key's tpm and quota, in token-sized units.
// Tokens where the upstream's answer reports them (gpt-image-1's `usage`, vLLM's rerank
// `usage.total_tokens`); where it reports none (dall-e, whisper, tts, moderations), these units: the
// same number reserved at admission is then settled.
import type { EndpointName } from './endpoint.ts';

export interface EndpointUnits {
  /** Per image asked for (`n`) from images.generations and images.edits (config `units.image`). */
  image: number;
  /** Per second of audio (config `units.audio_second`), for the audio endpoints where the length is known. */
  audioSecond: number;
  /** Per request that counts nothing else: moderations, a rerank or an audio call whose length is unknown (config `units.request`). */
  request: number;
}

/**
 * `image` 1056: gpt-image-1 at medium quality, 1024×1024, is billed 1056 output tokens (OpenAI's image
 * generation guide, "Cost and latency": platform.openai.com/docs/guides/image-generation), so an image
 * weighs as much as a mid-sized chat answer. `audio_second` 10: OpenAI's audio models count input audio
 * at about one token per 100 ms (platform.openai.com/docs/guides/realtime-conversations, "audio
 * tokens"). `request` 1: OpenAI does not bill moderations, and rpm already bounds the request count.
 */
export const defaultEndpointUnits: Readonly<EndpointUnits> = Object.freeze({ image: 1056, audioSecond: 10, request: 1 });

/** Units of `count` images (n, 1 when absent). */
export function unitsOfImages(units: EndpointUnits, count: number | undefined): number {
  return units.image * (count ?? 1);
}

/** Units of `seconds` of audio (rounded up: a started second counts); the per-request units when the length is unknown. */
export function unitsOfAudio(units: EndpointUnits, seconds: number | undefined): number {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return units.request;
  return units.audioSecond * Math.ceil(seconds);
}

/** Units of a request that counts nothing else. */
export function unitsOfRequest(units: EndpointUnits): number {
  return units.request;
}

/** Which endpoints count images (the rest count requests, or audio seconds where their route knows them). */
export function countsImages(endpoint: EndpointName): boolean {
  return endpoint === 'images.generations' || endpoint === 'images.edits';
}
