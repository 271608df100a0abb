// POST /channels/:name/probe: each concrete model of the channel called non-stream, stream and
// stream with include_usage, straight to the upstream; the report says what worked, with the
// upstream's own words where something failed, and what Sluice now remembers.
import type { Channel } from '../../core/channel.ts';
import { GatewayError } from '../../core/errors.ts';
import { probeChannel, type ModelProbe, type ProbeCall } from '../../relay/probe-channel.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { describeHints } from './channel-view.ts';
import { jsonResponse, operation, pathParameter, type OpenApiPaths } from './openapi-parts.ts';

function findChannel(context: AdminContext, name: string): Channel {
  const channel = context.channels.configChannels.find((candidate) => candidate.name === name) ?? context.channels.findApiChannel(name)?.channel;
  if (channel === undefined) throw new GatewayError('not_found', `There is no usable channel named '${name}'.`);
  return channel;
}

function describeCall(call: ProbeCall) {
  return { ok: call.ok, status: call.status ?? null, ...(call.error === undefined ? {} : { error: call.error }), ...(call.usage === undefined ? {} : { usage: call.usage }) };
}

function describeProbe(probe: ModelProbe) {
  return {
    model: probe.model,
    non_stream: describeCall(probe.nonStream),
    stream: describeCall(probe.stream),
    stream_options: describeCall(probe.streamOptions),
    configured: describeHints(probe.configured),
    learned: describeHints(probe.learned),
    resulting: describeHints(probe.resulting),
  };
}

export function registerProbeRoute(app: AdminApp, context: AdminContext): void {
  app.post<{ Params: { name: string } }>('/channels/:name/probe', async (request, reply) => {
    const channel = findChannel(context, request.params.name);
    const controller = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new GatewayError('client_closed', 'The admin client left during the probe.'));
    });
    const probes = await probeChannel(channel, context.relay, controller.signal);
    return { channel: channel.name, models: probes.map(describeProbe) };
  });
}

const callSchema = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, status: { type: ['integer', 'null'] }, error: { type: 'string', description: "The upstream's own words." }, usage: { type: 'boolean' } },
};
const hintsSchema = {
  type: 'object',
  properties: { stream: { enum: ['required', 'unsupported', 'supported'] }, stream_options: { type: 'boolean' }, drop_fields: { type: 'array', items: { type: 'string' } } },
};

export const probePaths: OpenApiPaths = {
  '/channels/{name}/probe': {
    post: operation({
      summary: 'Call each concrete model of the channel non-stream, stream, and stream with include_usage; report what worked and remember the resulting capabilities.',
      parameters: [pathParameter('name', 'The channel name.')],
      responses: {
        '200': jsonResponse('One report per model.', {
          type: 'object',
          properties: {
            channel: { type: 'string' },
            models: {
              type: 'array',
              items: {
                type: 'object',
                properties: { model: { type: 'string' }, non_stream: callSchema, stream: callSchema, stream_options: callSchema, configured: hintsSchema, learned: hintsSchema, resulting: hintsSchema },
              },
            },
          },
        }),
      },
    }),
  },
};
