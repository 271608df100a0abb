// The debug capture kept with a log row (JSON text, written by relay/capture.ts), read back and
// checked, for the admin API to show and for a replay to re-send.
import * as z from 'zod';
import type { Capture, CapturedExchange } from '../../relay/capture.ts';

const headersSchema = z.record(z.string(), z.string());

const exchangeSchema = z.object({
  url: z.string(),
  requestHeaders: headersSchema,
  requestBody: z.string(),
  // JSON leaves out an undefined status (the upstream never answered).
  status: z.number().optional(),
  responseHeaders: headersSchema,
  responseBody: z.string(),
  truncated: z.boolean(),
});

const captureSchema = z.object({ clientRequest: z.string(), clientResponse: z.string(), attempts: z.array(exchangeSchema) });

/** undefined: no capture, or text that is not one (written by another version, say). */
export function readCapture(text: string | undefined): Capture | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = captureSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const attempts: CapturedExchange[] = parsed.data.attempts.map((exchange) => ({ ...exchange, status: exchange.status }));
  return { clientRequest: parsed.data.clientRequest, clientResponse: parsed.data.clientResponse, attempts };
}

/** The capture as the admin API shows it (snake_case, like every other field there). */
export function describeCapture(capture: Capture) {
  return {
    client_request: capture.clientRequest,
    client_response: capture.clientResponse,
    attempts: capture.attempts.map((exchange) => ({
      url: exchange.url,
      request_headers: exchange.requestHeaders,
      request_body: exchange.requestBody,
      status: exchange.status ?? null,
      response_headers: exchange.responseHeaders,
      response_body: exchange.responseBody,
      truncated: exchange.truncated,
    })),
  };
}
