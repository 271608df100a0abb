export type { DecodeOptions, EventDecoder, StreamEvent } from './stream-event.ts';
export { EventTooLargeError } from './stream-event.ts';
export { createStreamDecoder, decodeStream, decodeStreamText } from './decode-stream.ts';
export { DONE_FRAME, KEEPALIVE_FRAME, encodeDataEvent, encodeJsonText } from './encode-event.ts';
export { classifyEventData } from './classify-event-data.ts';
