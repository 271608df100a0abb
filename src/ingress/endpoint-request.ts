// What an endpoint route's parser makes of a client's request (audio, image edits; docs/endpoints.md):
// the model to route by, the body to re-send to each channel, and how the answer is taken.
import type { AnswerMode, EndpointBody } from '../core/endpoint.ts';

export interface ParsedEndpointRequest {
  model: string;
  body: EndpointBody;
  answer: AnswerMode;
  /** The client asked for a stream (`stream: true`, `stream_format: sse`). */
  clientStream: boolean;
  /** The answer's content type when the upstream sends none (text/plain for `response_format: text`). */
  defaultContentType?: string;
}
