// The dashboard: traffic, errors, latency and time to first token over the chosen window, Sluice's
// own overhead, tokens, what was adapted, and each channel's health. Refreshes itself.
import { useState, type ReactNode } from 'react';
import { getCache, getStats, listChannels } from '../api/admin.ts';
import type { CacheView, ChannelView, CircuitView, Percentiles, SpendTotal, SpendView, StatsGroup } from '../api/types.ts';
import { Badge, type Tone } from '../components/badge.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { LineChart } from '../components/line-chart.tsx';
import { useT } from '../i18n/i18n.tsx';
import { bucketRows, readWindowRows, rowCap, seriesPoints, totalsOf, windows, type DashboardData, type WindowId } from '../lib/dashboard-data.ts';
import { formatCount, formatMs, formatPercent, formatRate, formatUsd } from '../lib/format.ts';
import { adaptationTone } from '../lib/log-labels.ts';
import { useResource } from '../lib/use-resource.ts';

const refreshMs = 10_000;

async function loadDashboard(windowId: WindowId, signal: AbortSignal): Promise<{ data: DashboardData; groups: StatsGroup[]; channels: ChannelView[]; spend: SpendView | undefined; cache: CacheView | undefined }> {
  // The cache view is an extra: a gateway without GET /cache still shows the rest.
  const [stats, channels, cache] = await Promise.all([getStats(windowId, signal), listChannels(signal), getCache(signal).catch(() => undefined)]);
  const until = new Date(stats.until).getTime();
  const since = new Date(stats.since).getTime();
  const { rows, capped } = await readWindowRows(since, until, signal);
  const series = stats.series;
  const points = series !== undefined && series.length > 0 ? seriesPoints(series, (until - since) / series.length) : bucketRows(rows, since, until);
  return { data: { points, totals: totalsOf(rows), capped }, groups: stats.data, channels, spend: stats.spend, cache };
}

function Stat({ label, value, sub }: { label: string; value: string; sub?: string | undefined }): ReactNode {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub !== undefined && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

function SpendList({ title, rows }: { title: string; rows: readonly (SpendTotal & { name: string })[] }): ReactNode {
  const dearest = Math.max(...rows.map((row) => row.cost_usd), 0);
  return (
    <div>
      <h3 className="muted">{title}</h3>
      {rows.map((row) => (
        <div key={row.name} className="usage">
          <div className="usage-label">
            <span>{row.name}</span>
            <span>{formatUsd(row.cost_usd)}</span>
          </div>
          <div className="usage-track">
            <div className="usage-fill" style={{ width: `${(dearest === 0 ? 0 : (row.cost_usd / dearest) * 100).toFixed(1)}%`, background: 'var(--accent)' }} />
          </div>
        </div>
      ))}
    </div>
  );
}

/** What the window cost, by key, channel and model (docs/cost.md). */
function SpendCard({ spend }: { spend: SpendView | undefined }): ReactNode {
  const t = useT();
  if (spend === undefined || (spend.total_usd === 0 && spend.by_key.every((row) => row.cost_usd === 0))) return <div className="muted">{t('dashboard.noSpend')}</div>;
  return (
    <div className="grid charts" data-testid="spend">
      <SpendList title={t('dashboard.byKey')} rows={spend.by_key.map((row) => ({ ...row, name: row.key ?? '–' }))} />
      <SpendList title={t('dashboard.byChannel')} rows={spend.by_channel.map((row) => ({ ...row, name: row.channel ?? '–' }))} />
      <SpendList title={t('dashboard.byModel')} rows={spend.by_model.map((row) => ({ ...row, name: row.model }))} />
    </div>
  );
}

/** The response cache's hit ratio on this instance since it started (GET /admin/api/cache, docs/caching.md). */
function CacheStat({ cache }: { cache: CacheView }): ReactNode {
  const t = useT();
  const { hit, miss, unavailable } = cache.requests;
  const sub = t('dashboard.cacheHits', { hits: formatCount(hit), lookups: formatCount(hit + miss + unavailable), backend: cache.backend ?? '' });
  return (
    <div data-testid="cache-hit-ratio" title={t('dashboard.cacheHelp', { since: new Date(cache.since).toLocaleString() })}>
      <Stat label={t('dashboard.cacheHitRatio')} value={formatPercent(cache.hit_ratio)} sub={unavailable > 0 ? `${sub} · ${t('dashboard.cacheUnavailable', { count: unavailable })}` : sub} />
    </div>
  );
}

function pick(points: DashboardData['points'], read: (point: DashboardData['points'][number]) => Percentiles | null, key: keyof Percentiles): (number | null)[] {
  return points.map((point) => read(point)?.[key] ?? null);
}

function errorTone(rate: number): Tone {
  if (rate >= 0.2) return 'danger';
  if (rate > 0) return 'warn';
  return 'ok';
}

interface HealthRow {
  channel: ChannelView;
  model: string | undefined;
  group: StatsGroup | undefined;
  circuit: CircuitView | undefined;
}

function ChannelHealth({ channels, groups }: { channels: readonly ChannelView[]; groups: readonly StatsGroup[] }): ReactNode {
  const t = useT();
  const rows = channels.flatMap((channel): HealthRow[] => {
    const circuits = channel.health?.circuits ?? [];
    const traffic = groups.filter((group) => group.channel === channel.name);
    const models = [...new Set([...traffic.map((group) => group.model), ...circuits.map((circuit) => circuit.model)])];
    if (models.length === 0) return [{ channel, model: undefined, group: undefined, circuit: undefined }];
    return models.map((model) => ({ channel, model, group: traffic.find((group) => group.model === model), circuit: circuits.find((circuit) => circuit.model === model) }));
  });
  return (
    <div className="table-wrap">
      <table className="responsive dense" data-testid="channel-health">
        <thead>
          <tr>
            <th>{t('logs.channel')}</th>
            <th>{t('common.model')}</th>
            <th>{t('dashboard.breaker')}</th>
            <th className="num">{t('dashboard.requests')}</th>
            <th className="num">{t('dashboard.errorRate')}</th>
            <th className="num">p50 / p95</th>
            <th className="num">TTFT p50</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ channel, model, group, circuit }) => {
            const state = channel.enabled ? (circuit?.state ?? 'closed') : undefined;
            return (
              <tr key={`${channel.name}/${model ?? ''}`}>
                <td data-label={t('logs.channel')}>{channel.name}</td>
                <td data-label={t('common.model')}>{model ?? <span className="muted">–</span>}</td>
                <td data-label={t('dashboard.breaker')}>
                  {state === undefined ? (
                    <Badge tone="warn">{t('channels.disabled')}</Badge>
                  ) : (
                    <Badge tone={state === 'open' ? 'danger' : state === 'half-open' ? 'warn' : 'ok'}>{t(state === 'open' ? 'breaker.open' : state === 'half-open' ? 'breaker.halfOpen' : 'breaker.closed')}</Badge>
                  )}
                </td>
                <td data-label={t('dashboard.requests')} className="num">{formatCount(group?.requests ?? 0)}</td>
                <td data-label={t('dashboard.errorRate')} className="num">{group === undefined ? '–' : <Badge tone={errorTone(group.error_rate)}>{formatPercent(group.error_rate)}</Badge>}</td>
                <td data-label={'p50 / p95'} className="num nowrap">
                  {formatMs(group?.duration_ms?.p50)} / {formatMs(group?.duration_ms?.p95)}
                </td>
                <td data-label={'TTFT p50'} className="num">{formatMs(group?.first_token_ms?.p50)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && <div className="empty">{t('channels.none')}</div>}
    </div>
  );
}

export function DashboardPage(): ReactNode {
  const t = useT();
  const [windowId, setWindowId] = useState<WindowId>('1h');
  const [auto, setAuto] = useState(true);
  const dashboard = useResource((signal) => loadDashboard(windowId, signal), [windowId], auto ? refreshMs : undefined);
  const loaded = dashboard.data;
  const points = loaded?.data.points ?? [];
  const totals = loaded?.data.totals;
  const times = points.map((point) => point.time);
  const windowMs = windows.find((entry) => entry.id === windowId)?.ms ?? 3_600_000;
  const empty = t('dashboard.noTraffic');

  return (
    <>
      <div className="page-header">
        <h1>{t('nav.dashboard')}</h1>
        <div className="actions">
          <div className="segmented" role="group" aria-label={t('dashboard.window')}>
            {windows.map((entry) => (
              <button key={entry.id} type="button" className={entry.id === windowId ? 'active' : ''} aria-pressed={entry.id === windowId} onClick={() => { setWindowId(entry.id); }}>
                {entry.id}
              </button>
            ))}
          </div>
          <label className="field inline" title={t('dashboard.autoRefreshHelp')}>
            <input type="checkbox" checked={auto} onChange={(event) => { setAuto(event.target.checked); }} />
            <span>
              <span className={dashboard.loading ? 'refresh-dot loading' : 'refresh-dot'} /> {t('dashboard.autoRefresh')}
            </span>
          </label>
          <button type="button" className="button" onClick={dashboard.reload}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      <ErrorBox error={dashboard.error} />
      {loaded?.data.capped === true && <div className="notice warn">{t('dashboard.capped', { count: rowCap })}</div>}
      <div className="grid stats">
        <Stat label={t('dashboard.requests')} value={formatCount(totals?.requests)} sub={`${formatRate((totals?.requests ?? 0) / (windowMs / 1000))} ${t('dashboard.perSecond')}`} />
        <Stat label={t('dashboard.errorRate')} value={totals === undefined || totals.requests === 0 ? '–' : formatPercent(totals.errors / totals.requests)} sub={t('dashboard.errorsCount', { count: totals?.errors ?? 0 })} />
        <Stat label={t('dashboard.latency')} value={formatMs(totals?.duration?.p50)} sub={`p95 ${formatMs(totals?.duration?.p95)} · p99 ${formatMs(totals?.duration?.p99)}`} />
        <Stat label="TTFT p50" value={formatMs(totals?.firstToken?.p50)} sub={`p95 ${formatMs(totals?.firstToken?.p95)}`} />
        <Stat label={t('dashboard.overhead')} value={formatMs(totals?.overhead?.p50)} sub={`p95 ${formatMs(totals?.overhead?.p95)} · p99 ${formatMs(totals?.overhead?.p99)}`} />
        <Stat
          label={t('dashboard.tokens')}
          value={formatCount((totals?.promptTokens ?? 0) + (totals?.completionTokens ?? 0))}
          sub={`${t('dashboard.prompt')} ${formatCount(totals?.promptTokens)} · ${t('dashboard.completion')} ${formatCount(totals?.completionTokens)}${totals !== undefined && totals.estimatedTokens > 0 ? ` · ${t('dashboard.estimated')} ${formatCount(totals.estimatedTokens)}` : ''}`}
        />
        {loaded?.cache?.enabled === true && <CacheStat cache={loaded.cache} />}
        <Stat label={t('dashboard.spend')} value={formatUsd(loaded?.spend?.total_usd)} sub={loaded?.spend !== undefined && loaded.spend.unpriced_requests > 0 ? t('dashboard.unpriced', { count: loaded.spend.unpriced_requests }) : undefined} />
      </div>
      <div className="grid charts">
        <LineChart title={t('dashboard.rps')} times={times} emptyText={empty} format={formatRate} series={[{ name: t('dashboard.perSecond'), color: 'var(--series-1)', values: points.map((point) => (point.requestsPerSecond === 0 ? 0 : point.requestsPerSecond)) }]} />
        <LineChart title={t('dashboard.errorRate')} times={times} emptyText={empty} format={(value) => formatPercent(value)} series={[{ name: t('dashboard.errorRate'), color: 'var(--series-3)', values: points.map((point) => point.errorRate) }]} />
        <LineChart
          title={t('dashboard.latency')}
          times={times}
          emptyText={empty}
          format={formatMs}
          series={[
            { name: 'p50', color: 'var(--series-1)', values: pick(points, (point) => point.duration, 'p50') },
            { name: 'p95', color: 'var(--series-2)', values: pick(points, (point) => point.duration, 'p95') },
            { name: 'p99', color: 'var(--series-3)', values: pick(points, (point) => point.duration, 'p99') },
          ]}
        />
        <LineChart
          title={t('dashboard.ttft')}
          times={times}
          emptyText={empty}
          format={formatMs}
          series={[
            { name: 'p50', color: 'var(--series-1)', values: pick(points, (point) => point.firstToken, 'p50') },
            { name: 'p95', color: 'var(--series-2)', values: pick(points, (point) => point.firstToken, 'p95') },
            { name: 'p99', color: 'var(--series-3)', values: pick(points, (point) => point.firstToken, 'p99') },
          ]}
        />
      </div>
      <section className="card">
        <h2 className="card-header">{t('dashboard.spendBy')}</h2>
        <SpendCard spend={loaded?.spend} />
      </section>
      <div className="two-columns wide-left">
        <section className="card">
          <h2 className="card-header">{t('dashboard.channelHealth')}</h2>
          <ChannelHealth channels={loaded?.channels ?? []} groups={loaded?.groups ?? []} />
        </section>
        <section className="card">
          <h2 className="card-header">{t('dashboard.adaptations')}</h2>
          {totals === undefined || totals.adaptations.length === 0 ? (
            <div className="muted">{t('dashboard.noAdaptations')}</div>
          ) : (
            <div data-testid="adaptation-counts">
              {totals.adaptations.map(([kind, count]) => (
                <div key={kind} className="usage">
                  <div className="usage-label">
                    <Badge tone={adaptationTone(kind)}>{kind}</Badge>
                    <span>{formatCount(count)}</span>
                  </div>
                  <div className="usage-track">
                    <div className="usage-fill" style={{ width: `${((count / Math.max(1, totals.requests)) * 100).toFixed(1)}%`, background: 'var(--accent)' }} />
                  </div>
                </div>
              ))}
            </div>
          )}
        </section>
      </div>
    </>
  );
}
