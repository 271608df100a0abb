// `sluice replay <request-id> [--channel NAME] [--config FILE]`: opens the config's store, finds the
// logged request, sends its capture through the relay in-process (the same code as the admin
// API's replay), logs the replay like any request, and prints the comparison.
// Exit status: 0 same outcome, 1 different, 2 could not replay (not found, not captured, bad config).
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { cliUsage, ConfigError, resolveStartupConfig, type CliOptions, type Environment } from '../config/index.ts';
import { Metrics } from '../metrics/create-metrics.ts';
import { providerTypes, providerTypesWithoutDefaultBaseUrl } from '../providers/registry.ts';
import { toLogRow } from '../server/account-request.ts';
import { createIngressCodecs } from '../server/ingress-codecs.ts';
import { loadLiveChannels } from '../server/live-channels.ts';
import { openServices } from '../server/open-services.ts';
import { replayLoggedRequest } from '../server/replay/replay-logged-request.ts';
import { createRelayDependencies } from '../server/start-sluice.ts';
import { UpstreamClient } from '../upstream/upstream-client.ts';
import { formatReplayReport } from './format-replay-report.ts';

export interface CommandIo {
  cwd: string;
  env: Environment;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const replayExit = { same: 0, different: 1, failed: 2 } as const;

export async function runReplayCommand(cli: CliOptions, io: CommandIo): Promise<number> {
  const [requestId, ...extra] = cli.args;
  if (requestId === undefined || extra.length > 0) {
    io.stderr(`sluice: replay takes one request id\n${cliUsage}\n`);
    return replayExit.failed;
  }
  try {
    return await replayFromStore(requestId, cli, io);
  } catch (error) {
    // Whatever stopped the replay (a bad config, a store that will not open, a request that was
    // not captured) is a "could not replay", never mistaken for "the outcome differs".
    const lines = error instanceof ConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
    io.stderr(lines.map((line) => `sluice: ${line}\n`).join(''));
    return replayExit.failed;
  }
}

async function replayFromStore(requestId: string, cli: CliOptions, io: CommandIo): Promise<number> {
  const config = resolveStartupConfig(cli, { cwd: io.cwd, env: io.env, channelTypes: providerTypes, typesNeedingBaseUrl: providerTypesWithoutDefaultBaseUrl });
  // Warnings only, and to stderr: stdout is the comparison.
  const logger = pino({ level: io.env.LOG_LEVEL ?? 'warn', base: null }, pino.destination(2));
  const upstream = new UpstreamClient();
  const relay = createRelayDependencies(config, logger, new Metrics({ processMetrics: false }), upstream);
  const services = await openServices(config, relay, logger).catch(async (error: unknown) => {
    await upstream.close();
    throw error;
  });
  try {
    await loadLiveChannels(config, relay, services.store.channels, logger);
    const row = await services.store.requestLogs.get(requestId);
    if (row === undefined) {
      io.stderr(`sluice: no request ${requestId} in the log of ${config.store}\n`);
      return replayExit.failed;
    }
    const replayId = `req_${randomUUID().replaceAll('-', '')}`;
    const result = await replayLoggedRequest({ row, relay, codecs: createIngressCodecs({ dropUnsupportedTools: config.dropUnsupportedTools }), requestId: replayId, channel: cli.channel, signal: AbortSignal.timeout(config.timeouts.totalMs) });
    services.pricing.price(result.record);
    services.logWriter.append(toLogRow(result.record, undefined, { ip: undefined, headers: { 'user-agent': 'sluice replay' } }, result.startedAt));
    io.stdout(formatReplayReport(result.report));
    return result.report.same ? replayExit.same : replayExit.different;
  } finally {
    await services.close();
    await upstream.close();
  }
}
