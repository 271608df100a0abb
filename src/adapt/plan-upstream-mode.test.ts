import { describe, expect, it } from 'vitest';
import type { StreamSupport } from '../core/channel.ts';
import { planUpstreamMode } from './plan-upstream-mode.ts';

interface PlanOptions {
  preferStream?: boolean;
  streamOptions?: boolean;
  clientWantsUsage?: boolean;
}

function plan(stream: StreamSupport, clientStream: boolean, options: PlanOptions = {}) {
  return planUpstreamMode({
    clientStream,
    clientWantsUsage: options.clientWantsUsage ?? false,
    capabilities: { stream, streamOptions: options.streamOptions ?? true, dropFields: [] },
    preferStream: options.preferStream ?? false,
  });
}

describe('planUpstreamMode', () => {
  it('streams upstream with no adaptation when the client streams and the model can', () => {
    expect(plan('supported', true)).toEqual({ upstreamStream: true, sendStreamOptions: true, adaptation: undefined, clientWantsUsage: false });
  });

  it('calls without streaming and no adaptation when neither side streams', () => {
    expect(plan('supported', false)).toEqual({ upstreamStream: false, sendStreamOptions: false, adaptation: undefined, clientWantsUsage: true });
  });

  it('streams upstream and collects for a non-streaming client when the model requires streaming', () => {
    expect(plan('required', false)).toMatchObject({ upstreamStream: true, adaptation: 'collect-stream', sendStreamOptions: true });
  });

  it('calls without streaming and replays for a streaming client when the model refuses streaming', () => {
    expect(plan('unsupported', true)).toMatchObject({ upstreamStream: false, adaptation: 'replay-as-stream' });
  });

  it('never sends stream_options with a non-stream upstream call', () => {
    expect(plan('unsupported', true, { streamOptions: true, clientWantsUsage: true }).sendStreamOptions).toBe(false);
    expect(plan('supported', false, { streamOptions: true }).sendStreamOptions).toBe(false);
  });

  it('does not send stream_options to an upstream that rejects them', () => {
    expect(plan('supported', true, { streamOptions: false, clientWantsUsage: true })).toMatchObject({
      upstreamStream: true,
      sendStreamOptions: false,
      clientWantsUsage: true,
    });
  });

  it('asks upstream for usage even when the client did not', () => {
    expect(plan('supported', true, { clientWantsUsage: false })).toMatchObject({ sendStreamOptions: true, clientWantsUsage: false });
  });

  it('streams upstream for a non-streaming client when the channel prefers streaming', () => {
    expect(plan('supported', false, { preferStream: true })).toMatchObject({ upstreamStream: true, adaptation: 'collect-stream' });
  });

  it('does not prefer streaming over a model that refuses it', () => {
    expect(plan('unsupported', false, { preferStream: true })).toMatchObject({ upstreamStream: false, adaptation: undefined });
  });
});
