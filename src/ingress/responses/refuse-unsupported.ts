// What Sluice cannot serve on /v1/responses, refused with a 400 that names the field and says what
// to do instead (docs/ingress-protocols.md §D2): server state (Sluice is stateless, like Mistral's
// Responses endpoint, docs.mistral.ai/api/endpoint/responses) and hosted tools, which need OpenAI's
// servers. Hosted tools and their call items are left out of the translated request: a try on a
// channel that serves the Responses API sends them as the client wrote them (pass-through), a
// translated try answers the 400 kept here, or, with config `drop_unsupported_tools`, goes without them.
import type { JsonObject } from '../../core/chat.ts';
import { GatewayError } from '../../core/errors.ts';

const statelessHint = 'Sluice is stateless; resend the full history in `input`.';

/** Top-level fields that need state Sluice does not keep: field → why, and what to do instead. */
const statefulFields: Readonly<Record<string, string>> = {
  previous_response_id: `Sluice stores no responses, so 'previous_response_id' cannot be followed. ${statelessHint}`,
  conversation: `Sluice stores no conversations, so 'conversation' cannot be followed. ${statelessHint}`,
  prompt: "Sluice stores no prompt templates, so 'prompt' cannot be expanded. Send the prompt's text in `instructions` and `input`.",
};

/** Refuses a request that relies on server state: the first such field, by name. */
export function refuseStatefulFields(body: JsonObject): void {
  for (const [field, message] of Object.entries(statefulFields)) {
    const value = body[field];
    if (value !== undefined && value !== null) throw new GatewayError('unsupported_feature', message, { param: field, hint: statelessHint });
  }
  if (body['background'] === true || body['background'] === 'true') {
    throw new GatewayError('unsupported_feature', "Sluice answers every response in the request itself; 'background' responses need stored state. Send the request without `background` (stream it for long answers).", {
      param: 'background',
      hint: statelessHint,
    });
  }
}

/** How a request's hosted tools and items are handled on a translated try: refused, or dropped and listed. */
export interface HostedPolicy {
  drop: boolean;
  /** The types left out of the translated request so far, for the warning header. */
  dropped: Set<string>;
  /** Without `drop`: the 400 a translated try answers with, for the first hosted part. */
  refusal?: GatewayError;
}

const dropHint = 'Remove it, or set `drop_unsupported_tools: true` in the Sluice config to drop hosted tools with a warning header.';

/** A hosted tool (or a tool choice naming one) at `param`: left out of the translated request, its refusal kept unless the policy drops it. */
export function dropHostedTool(type: string, param: string, policy: HostedPolicy): void {
  if (!policy.drop) {
    policy.refusal ??= new GatewayError('unsupported_feature', `The hosted tool '${type}' is not supported on a chat model: Sluice runs OpenAI's hosted tools only by passing the request to a channel that serves the Responses API. ${dropHint}`, { param, hint: dropHint });
  }
  policy.dropped.add(type);
}

/** An input item of a kind Sluice cannot translate (a hosted tool's call or output) at `param`; a stored item is refused on every path. */
export function dropHostedItem(type: string, param: string, policy: HostedPolicy): void {
  if (type === 'item_reference') {
    throw new GatewayError('unsupported_feature', `'item_reference' items refer to stored items, and Sluice stores none. ${statelessHint}`, { param, hint: statelessHint });
  }
  if (!policy.drop) {
    policy.refusal ??= new GatewayError('unsupported_feature', `Input items of type '${type}' are not supported on a chat model: Sluice replays hosted tool calls only to a channel that serves the Responses API. ${dropHint}`, { param, hint: dropHint });
  }
  policy.dropped.add(type);
}
