// POSTs an alert message to a webhook (docs/alerts.md): the only socket code, so it lives here.
// Bounded by one timeout for the whole exchange; the answer's body is read and dropped.
import { request } from 'undici';

export async function postWebhook(target: { url: string; body: string }, timeoutMs: number): Promise<number> {
  const response = await request(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: target.body,
    signal: AbortSignal.timeout(timeoutMs),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  await response.body.dump();
  return response.statusCode;
}
