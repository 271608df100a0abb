// Upstreams for the isolation tests (issue 12: one client's traffic never changes what another
// client gets), each answering in words and statuses real upstreams use.
import { chatCompletionsOnly, startEmulator, writeJson, type Emulator, type JsonObject, type ReceivedRequest } from './emulator-server.ts';
import { lastUserText, serveFault, startFaultyUpstream, type Fault } from './faulty-upstream.ts';

/** The text that makes the body-sensitive upstream break. */
export const poisonText = 'POISON: a prompt this upstream breaks on';

/**
 * An upstream that answers 502 to one kind of body and normally to every other: issue 12 saw an
 * upstream answer 502 to the malformed bodies Sluice relayed, and opened the channel's circuit for
 * everyone. The body here is well-formed, so request validation at the edge does not hide the
 * breaker's part. Any number of these agree, like replicas of one model server.
 */
export function startBodySensitiveUpstream(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly((request, response) => serveFault(lastUserText(request).includes(poisonText) ? { status: 502 } : 'ok', request, response)),
  );
}

/**
 * A flaky but working upstream, per question: the first try gets a body cut short by its declared
 * Content-Length (copy_response_body_failed, one-api; docs/design.md seed problem 5), the second a 503,
 * the third the answer — the pattern issue 12 measured with 20 concurrent clients.
 */
export function startFlakyUpstream(): Promise<Emulator> {
  const triesByQuestion = new Map<string, number>();
  const script: readonly Fault[] = ['truncated-json', { status: 503 }, 'ok'];
  return startFaultyUpstream((_index, request: ReceivedRequest) => {
    const question = lastUserText(request);
    const tries = triesByQuestion.get(question) ?? 0;
    triesByQuestion.set(question, tries + 1);
    return script[Math.min(tries, script.length - 1)] ?? 'ok';
  });
}

/** OpenAI's value complaint about a `user` over 64 characters, in the words issue 12 quotes. */
export const userTooLongError = `{"error":{"message":"Invalid parameter: 'user' must be at most 64 characters","type":"invalid_request_error","param":"user","code":"invalid_value"}}`;
/** A model the upstream key may not use (403; OpenAI-compatible gateways word it so, issue 12). */
export const modelNotAllowedError = '{"error":{"message":"User not allowed to access this model","type":"permission_error","param":null,"code":"model_not_allowed"}}';
/** An upstream that does not know `store` (old Azure api-versions word unknown fields so, one-api#1423). */
export const storeUnknownError = '{"error":{"message":"Unrecognized request argument supplied: store","type":"invalid_request_error","param":null,"code":null}}';

function refusalFor(body: JsonObject): { status: number; body: string } | undefined {
  if (body['model'] === 'restricted') return { status: 403, body: modelNotAllowedError };
  if (typeof body['user'] === 'string' && body['user'].length > 64) return { status: 400, body: userTooLongError };
  if (body['model'] === 'no-store' && Object.hasOwn(body, 'store')) return { status: 400, body: storeUnknownError };
  return undefined;
}

/**
 * An upstream with rules a client can trip: `user` longer than 64 characters → 400 value complaint;
 * model `restricted` → 403 for this key; `store` on model `no-store` → 400 unknown argument. Anything
 * else is answered.
 */
export function startRuleBoundUpstream(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly((request, response) => {
      const body = request.body ?? {};
      const refusal = refusalFor(body);
      if (refusal === undefined) return serveFault('ok', request, response);
      writeJson(response, refusal.status, refusal.body);
      return undefined;
    }),
  );
}
