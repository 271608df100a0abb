// The Redis client (@redis/client, docs/scale-out.md §D), set up to fail fast (§E3, §G): commands
// are refused at once while disconnected (no offline queue) and bounded by a command timeout, so a
// dead Redis never holds a request (a hung one: shared-rate-limits.ts bounds the reply); reconnects back off. Both scripts are
// sent by EVALSHA (and the lease scripts, lease-scripts.ts, and the balance holds, hold-scripts.ts), falling back to EVAL once per connection (the client's script support).
import { createClient, defineScript, RESP_TYPES, type CommandParser } from '@redis/client';
import { admitScript, settleScript } from './gcra-scripts.ts';
import { forgetBalanceScript, reserveHoldScript, settleHoldScript } from './hold-scripts.ts';
import { acquireLeaseScript, refreshLeasesScript } from './lease-scripts.ts';
import { claimOwnerScript, shareRefusalScript } from './verdict-scripts.ts';

export interface RedisClientPolicy {
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
}

const scripts = {
  admitRate: defineScript({
    SCRIPT: admitScript,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, rpm: number, tpm: number, tokens: number) {
      parser.pushKey(key);
      parser.push(String(rpm), String(tpm), String(tokens));
    },
    transformReply: (reply: unknown) => reply as number[],
  }),
  settleRate: defineScript({
    SCRIPT: settleScript,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, rpm: number, tpm: number, requests: number, tokens: number) {
      parser.pushKey(key);
      parser.push(String(rpm), String(tpm), String(requests), String(tokens));
    },
    transformReply: (reply: unknown) => reply as number,
  }),
  acquireLease: defineScript({
    SCRIPT: acquireLeaseScript,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, max: number, leaseMs: number, member: string) {
      parser.pushKey(key);
      parser.push(String(max), String(leaseMs), member);
    },
    transformReply: (reply: unknown) => reply as number,
  }),
  refreshLeases: defineScript({
    SCRIPT: refreshLeasesScript,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, leaseMs: number, members: readonly string[]) {
      parser.pushKey(key);
      parser.push(String(leaseMs), ...members);
    },
    transformReply: (reply: unknown) => reply as number,
  }),
  reserveHold: defineScript({
    SCRIPT: reserveHoldScript,
    NUMBER_OF_KEYS: 2,
    parseCommand(parser: CommandParser, balance: string, expiries: string, amount: number, holdId: string, lifeMs: number, seed: string, seedVersion: string) {
      parser.pushKey(balance);
      parser.pushKey(expiries);
      parser.push(String(amount), holdId, String(lifeMs), seed, seedVersion);
    },
    transformReply: (reply: unknown) => reply as [number, number],
  }),
  settleHold: defineScript({
    SCRIPT: settleHoldScript,
    NUMBER_OF_KEYS: 2,
    parseCommand(parser: CommandParser, balance: string, expiries: string, holdId: string, used: number) {
      parser.pushKey(balance);
      parser.pushKey(expiries);
      parser.push(holdId, String(used));
    },
    transformReply: (reply: unknown) => reply as [number, number],
  }),
  forgetBalance: defineScript({
    SCRIPT: forgetBalanceScript,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, balance: string, version: string) {
      parser.pushKey(balance);
      parser.push(version);
    },
    transformReply: (reply: unknown) => reply as number,
  }),
  shareRefusal: defineScript({
    SCRIPT: shareRefusalScript,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, record: string, lifeMs: number, channel: string, message: string) {
      parser.pushKey(key);
      parser.push(record, String(lifeMs), channel, message);
    },
    transformReply: (reply: unknown) => reply as number,
  }),
  claimOwner: defineScript({
    SCRIPT: claimOwnerScript,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, instance: string, leaseMs: number) {
      parser.pushKey(key);
      parser.push(instance, String(leaseMs));
    },
    transformReply: (reply: unknown) => reply as number,
  }),
};

export function createRedisClient(url: string, policy: RedisClientPolicy) {
  return createClient({
    url,
    scripts,
    disableOfflineQueue: true,
    commandOptions: { timeout: policy.commandTimeoutMs },
    socket: {
      connectTimeout: policy.connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(policy.reconnectMaxMs, policy.reconnectBaseMs * 2 ** Math.min(retries, 16)),
    },
  });
}

export type SharedRedisClient = ReturnType<typeof createRedisClient>;

/** The same connection, answering bulk strings as Buffers (the response cache's compressed entries). */
export function withBytesReplies(client: SharedRedisClient) {
  return client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
}

export type BytesRedisClient = ReturnType<typeof withBytesReplies>;
