export type { DecodeOptions, EventDecoder, StreamEvent } from './stream-event.ts';
export { createStreamDecoder, decodeStream, decodeStreamText } from './decode-stream.ts';
export { DONE_FRAME, KEEPALIVE_FRAME, encodeDataEvent } from './encode-event.ts';
