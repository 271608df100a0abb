// What an upstream answer's status and headers decide before a byte of its body is read, the same
// for a body read as it comes (streamed-answer-call.ts, upstream-client.ts) and one gathered whole (whole-answer-call.ts):
// its content-encoding's decoders, or a refusal (a coding Sluice cannot decode, an uncompressed body
// that says it is over its cap), and the headers handed on (the wire's own length and coding dropped
// when the body is decoded).
import type { Transform } from 'node:stream';
import { GatewayError } from '../core/errors.ts';
import type { BodyWatchdog } from '../core/upstream.ts';
import type { FailureScope } from './describe-send-failure.ts';
import { planDecoding } from './decode-content.ts';
import { bodyTooLarge, type BodyScope } from './read-upstream-body.ts';

type Headers = Record<string, string | string[] | undefined>;

export type AnswerHead = { kind: 'refused'; error: GatewayError } | { kind: 'read'; decoders: readonly Transform[]; headers: Headers };

/** Response headers that describe the bytes on the wire, not the decoded body handed on. */
const wireHeaders: readonly string[] = ['content-encoding', 'content-length'];

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** What a dispatched call (whole-answer-call.ts, streamed-answer-call.ts) knows when its answer's headers come: its cap, by status. */
export interface DispatchScope extends FailureScope {
  /** The cap and its words for this status (upstream-client.ts capFor). */
  capFor: (status: number) => Pick<BodyScope, 'what' | 'capBytes' | 'capSetting'>;
  /** The call is over (its own deadline, when it has one, ends here). */
  onEnd: () => void;
  /** The caller's watchdog, told of each piece of a whole answer's body. */
  watchdog?: BodyWatchdog | undefined;
}

/**
 * A dispatched call's answer head: its body's scope and what the headers decide. Undefined for an
 * informational answer (103 Early Hints), which comes before the real one and which request() skips too.
 */
export function readDispatchedHead(scope: DispatchScope, status: number, headers: Headers): { bodyScope: BodyScope; head: AnswerHead } | undefined {
  if (status < 200) return undefined;
  const bodyScope: BodyScope = { channel: scope.channel, signal: scope.signal, status, ...scope.capFor(status), onEnd: scope.onEnd };
  return { bodyScope, head: readAnswerHead(headers, bodyScope) };
}

export function readAnswerHead(headers: Headers, scope: BodyScope): AnswerHead {
  const decoding = planDecoding(headers['content-encoding']);
  if (decoding.kind === 'unsupported') {
    const error = new GatewayError('upstream_encoding_unsupported', `${scope.channel} answered HTTP ${scope.status} with content-encoding '${decoding.coding.slice(0, 40)}', which Sluice cannot decode (it decodes gzip, deflate, br and zstd)`, {
      upstream: { channel: scope.channel, status: scope.status },
    });
    return { kind: 'refused', error };
  }
  // An uncompressed body that says it is over the cap is refused before a byte is read.
  if (decoding.decoders.length === 0 && Number(firstHeader(headers['content-length'])) > scope.capBytes) return { kind: 'refused', error: bodyTooLarge(scope) };
  const kept = { ...headers };
  if (decoding.decoders.length > 0) for (const name of wireHeaders) Reflect.deleteProperty(kept, name);
  return { kind: 'read', decoders: decoding.decoders, headers: kept };
}
