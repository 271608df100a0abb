// Decides how to call the upstream (stream or not, with stream_options or not) and which adaptation
// bridges the upstream's mode to the client's. Pure: a function of the client's ask and capabilities.
import type { Capabilities } from '../core/channel.ts';

export type Adaptation = 'collect-stream' | 'replay-as-stream';

export interface ModePlan {
  upstreamStream: boolean;
  /** Send `stream_options: {include_usage: true}` upstream. */
  sendStreamOptions: boolean;
  adaptation: Adaptation | undefined;
  /** The client gets usage: it asked with `stream_options.include_usage`, or it does not stream. */
  clientWantsUsage: boolean;
}

export interface ModeInput {
  clientStream: boolean;
  clientWantsUsage: boolean;
  capabilities: Capabilities;
  /** Channel's `prefer_stream`: stream upstream even for a non-streaming client. */
  preferStream: boolean;
}

export function planUpstreamMode(input: ModeInput): ModePlan {
  const { clientStream, capabilities, preferStream } = input;
  // `required`: DashScope QwQ answers non-stream calls with 400 "This model only support stream mode";
  // `unsupported`: Azure o1/o3-mini answered stream calls with 400 "'stream' does not support true"
  // (docs/wire-formats.md 2.11).
  const upstreamStream =
    capabilities.stream === 'required' || (capabilities.stream !== 'unsupported' && (clientStream || preferStream));
  let adaptation: Adaptation | undefined;
  if (upstreamStream && !clientStream) adaptation = 'collect-stream';
  else if (!upstreamStream && clientStream) adaptation = 'replay-as-stream';
  return {
    upstreamStream,
    // Sluice asks for usage even when the client did not, for its own log. Never with a non-stream
    // call: OpenAI and Azure answer 400 "The 'stream_options' parameter is only allowed when 'stream'
    // is enabled." (docs/wire-formats.md 1.3).
    sendStreamOptions: upstreamStream && capabilities.streamOptions,
    adaptation,
    // A chat.completion always carries usage, so a non-streaming client always gets it.
    clientWantsUsage: clientStream ? input.clientWantsUsage : true,
  };
}
