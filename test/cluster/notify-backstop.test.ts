// Issue 15 item 3, when notifications do not arrive: the `sluice_config_version` poll alone brings a
// change within its interval, and a listening connection that PostgreSQL cut
// (pg_terminate_backend) reconnects and reloads everything, so a change committed while it was
// away takes effect without waiting for the poll.
import { afterEach, describe, expect, it } from 'vitest';
import { listenerApplicationName } from '../../src/store/listen-for-changes.ts';
import { defaultPropagationPolicy } from '../../src/server/follow-store-changes.ts';
import { answers, createDatabase, propagation, queryDatabase, startInstance, timeUntil, type Instance } from './start-instances.ts';

const instances: Instance[] = [];

afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.sluice.close()));
});

async function listenerPids(storeUrl: string): Promise<number[]> {
  const database = new URL(storeUrl).pathname.slice(1);
  return queryDatabase(storeUrl, async (client) => {
    const result = await client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1 and datname = $2', [listenerApplicationName, database]);
    return result.rows.map((row) => row.pid);
  });
}

describe('the backstops of LISTEN/NOTIFY', () => {
  it('the config_version poll alone propagates a change within the poll interval', async () => {
    const storeUrl = await createDatabase('notify_poll');
    const first = await startInstance(storeUrl);
    instances.push(first);
    // Notifications suppressed on this instance: no LISTEN connection, the poll only.
    const second = await startInstance(storeUrl, undefined, { propagationPolicy: propagation({ listen: false }) });
    instances.push(second);
    expect((await first.admin('POST', '/channels', { name: 'echo-polled', type: 'echo', models: ['echo-polled'] })).status).toBe(201);
    const tookMs = await timeUntil(() => answers(second, 'any', 'echo-polled'), defaultPropagationPolicy.pollMs + 2_000, 10);
    console.info(`poll backstop (every ${String(defaultPropagationPolicy.pollMs)} ms) brought the change in ${tookMs?.toFixed(0) ?? 'never'} ms`);
    expect(tookMs).toBeDefined();
    // Within one interval, plus the reload and the probing call (slack for a loaded machine).
    expect(tookMs).toBeLessThan(defaultPropagationPolicy.pollMs + 500);
    expect(second.sluice.changes?.isListening()).toBe(false);
  });

  it('a listening connection cut by PostgreSQL reconnects and reloads what it missed', async () => {
    const storeUrl = await createDatabase('notify_reconnect');
    const reconnectMs = 1_000;
    // A poll far off, so only the reload on reconnect can bring the change in time.
    const first = await startInstance(storeUrl, undefined, { propagationPolicy: propagation({ listen: false, pollMs: 60_000 }) });
    instances.push(first);
    const second = await startInstance(storeUrl, undefined, { propagationPolicy: propagation({ pollMs: 60_000, reconnectMinMs: reconnectMs }) });
    instances.push(second);
    const changes = second.sluice.changes;
    expect(await timeUntil(() => Promise.resolve(changes?.isListening() === true), 2_000)).toBeDefined();
    const [pid] = await listenerPids(storeUrl);
    expect(pid).toBeDefined();
    // The reload of the first connect is done before counting.
    expect(await timeUntil(() => Promise.resolve((changes?.fullReloads() ?? 0) >= 1), 2_000)).toBeDefined();
    const reloadsBefore = changes?.fullReloads() ?? 0;

    await queryDatabase(storeUrl, (client) => client.query('select pg_terminate_backend($1)', [pid]));
    expect(await timeUntil(() => Promise.resolve(changes?.isListening() === false), 2_000)).toBeDefined();
    // Committed while the other instance is not listening: its notification is lost for it.
    expect((await first.admin('POST', '/channels', { name: 'echo-missed', type: 'echo', models: ['echo-missed'] })).status).toBe(201);
    expect(changes?.isListening()).toBe(false);

    const tookMs = await timeUntil(() => answers(second, 'any', 'echo-missed'), reconnectMs + 3_000, 10);
    expect(tookMs).toBeDefined();
    expect(tookMs).toBeLessThan(reconnectMs + 1_000);
    // The channels come first in the reload; the count goes up when keys and capabilities are done too.
    expect(await timeUntil(() => Promise.resolve((changes?.fullReloads() ?? 0) > reloadsBefore), 2_000)).toBeDefined();
    expect(changes?.isListening()).toBe(true);
    const [newPid] = await listenerPids(storeUrl);
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(pid);
  });
});
