// POSTs an alert message to a webhook (docs/alerts.md): the only socket code, so it lives here.
// Bounded by one timeout for the whole exchange; the answer's body is read and dropped.
import { Agent, request } from './undici-parts.ts';

// Its own connections, apart from the upstream calls' agents; made on the first alert.
let webhookAgent: Agent | undefined;

export async function postWebhook(target: { url: string; body: string }, timeoutMs: number): Promise<number> {
  const response = await request(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: target.body,
    signal: AbortSignal.timeout(timeoutMs),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    dispatcher: (webhookAgent ??= new Agent()),
  });
  await response.body.dump();
  return response.statusCode;
}
