// One channel entry on its own — a channel created through the admin API, or one kept in the store —
// validated by the same schema and rules as a channel in the config file, and resolved with the
// config's top-level policies, so an API channel behaves exactly like the same entry in YAML.

import type { Channel } from '../core/channel.ts';
import { checkChannel, type CheckOptions } from './check-config.ts';
import { ConfigError } from './config-error.ts';
import { describeIssues } from './describe-issues.ts';
import { resolveChannel, type Policies } from './resolve-config.ts';
import { configSchemas } from './schema.ts';

export interface ChannelEntryOptions extends CheckOptions {
  /** The config's resolved top-level retry, timeouts and breaker. */
  policies: Policies;
}

/** Throws ConfigError with one `field: problem` line per problem (paths relative to the entry). */
export function parseChannelEntry(entry: unknown, options: ChannelEntryOptions): Channel {
  const channelSchema = configSchemas().channel;
  const parsed = channelSchema.safeParse(entry, { reportInput: true });
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, channelSchema));
  const problems = checkChannel(parsed.data, [], options);
  if (problems.length > 0) throw new ConfigError(problems);
  return resolveChannel(parsed.data, options.policies);
}
