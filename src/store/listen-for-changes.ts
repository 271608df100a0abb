// The listening side of LISTEN/NOTIFY: one dedicated pg Client per instance, outside the pool
// (LISTEN needs its own session, and would not work through transaction pooling). PostgreSQL keeps
// no notification for a session that is gone, so a lost connection is reconnected with backoff
// and the listener told (onListening) to reload everything (docs/scale-out.md §C, §F).
import { Client, type Notification } from 'pg';
import { changeChannelName, readChangePayload } from './record-change.ts';
import type { ChangeListener, ChangeSubscription, ListenPolicy } from './ports.ts';

/** How the listening session shows in pg_stat_activity. */
export const listenerApplicationName = 'sluice-listen';

/** TCP keep-alive on the listening socket, so a peer that vanished is noticed without traffic. */
const keepAliveInitialDelayMs = 10_000;

export function listenForChanges(url: string, listener: ChangeListener, policy: ListenPolicy): ChangeSubscription {
  let client: Client | undefined;
  let listening = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const onNotification = (message: Notification): void => {
    if (message.channel !== changeChannelName) return;
    // A payload that is not ours reads as a change of everything: the listener reloads the lot.
    const change = readChangePayload(message.payload ?? '') ?? { version: Number.MAX_SAFE_INTEGER, origin: '', topic: 'channel' as const, name: undefined, model: undefined };
    listener.onChange(change);
  };

  const fail = (lost: Client, error: Error): void => {
    if (client !== lost) return;
    client = undefined;
    listening = false;
    lost.removeAllListeners('notification');
    lost.end().catch(() => undefined);
    if (closed) return;
    const retryInMs = Math.min(policy.reconnectMaxMs, policy.reconnectMinMs * 2 ** Math.min(failures, 20));
    failures += 1;
    listener.onError(error, retryInMs);
    retryTimer = setTimeout(connect, retryInMs);
    retryTimer.unref();
  };

  function connect(): void {
    retryTimer = undefined;
    if (closed) return;
    const next = new Client({ connectionString: url, application_name: listenerApplicationName, connectionTimeoutMillis: policy.connectTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: keepAliveInitialDelayMs });
    client = next;
    // Without an 'error' listener a dropped connection would crash the process.
    next.on('error', (error) => { fail(next, error); });
    next.on('end', () => { fail(next, new Error('the listening connection to PostgreSQL ended')); });
    next.on('notification', onNotification);
    next
      .connect()
      .then(() => next.query(`LISTEN ${changeChannelName}`))
      .then(() => {
        if (client !== next || closed) return;
        listening = true;
        failures = 0;
        listener.onListening();
      })
      .catch((error: unknown) => { fail(next, error instanceof Error ? error : new Error(String(error))); });
  }

  connect();
  return {
    isListening: () => listening,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const open = client;
      client = undefined;
      listening = false;
      if (open !== undefined) {
        open.removeAllListeners('notification');
        await open.end().catch(() => undefined);
      }
    },
  };
}
