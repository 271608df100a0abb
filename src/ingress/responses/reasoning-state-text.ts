// Sluice's own `encrypted_content` for a reasoning item: `sluice-v1:` + base64url(JSON of the
// ReasoningState), so a stateless client (Codex sends `include: ["reasoning.encrypted_content"]` and
// `store: false`) hands a turn's reasoning blocks back with the history (docs/ingress-protocols.md
// §D2, compare LiteLLM `_signature_codec.py`). Not encrypted: the blocks are the upstream's own,
// signed by it, and go back only to the family that made them. Other vendors' `encrypted_content`
// (OpenAI's) means nothing to a chat upstream and is dropped.
import { isJsonObject, type ReasoningState } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';

export const reasoningStatePrefix = 'sluice-v1:';

export function encodeReasoningState(state: ReasoningState): string {
  return reasoningStatePrefix + Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

function readState(text: string): ReasoningState | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (isJsonObject(value) && typeof value['family'] === 'string' && Array.isArray(value['blocks']) && value['blocks'].every(isJsonObject)) {
      return { ...value, family: value['family'], blocks: value['blocks'] };
    }
  } catch {
    // Refused below.
  }
  return undefined;
}

/** Sluice's state from an item's `encrypted_content`; undefined for another vendor's; a 400 when Sluice's is damaged. */
export function decodeReasoningState(text: string, param: string): ReasoningState | undefined {
  if (!text.startsWith(reasoningStatePrefix)) return undefined;
  const state = readState(text.slice(reasoningStatePrefix.length));
  if (state === undefined) {
    throw new GatewayError('invalid_request', `Invalid '${param}': it starts with '${reasoningStatePrefix}' but is not reasoning state Sluice wrote. Send the reasoning item back exactly as Sluice gave it, or leave it out.`, { param });
  }
  return state;
}
