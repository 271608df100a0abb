// The request log: every request with what Sluice did to it, newest first, filtered and paged by
// cursor. The filters live in the address, so a filtered view can be shared or reloaded.
import { useState, type ReactNode } from 'react';
import { listChannels, listKeys, listLogs, type LogQuery } from '../api/admin.ts';
import { Badge } from '../components/badge.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { useT } from '../i18n/i18n.tsx';
import { formatMs, formatTime, formatUsd, parseLocalDateTime } from '../lib/format.ts';
import { adaptationTone, modeLabel, statusTone, tokensLabel } from '../lib/log-labels.ts';
import { href, navigate, useSearch } from '../lib/router.ts';
import { useResource } from '../lib/use-resource.ts';

const filterNames = ['since', 'until', 'key', 'model', 'channel', 'status', 'errors_only'] as const;
type FilterName = (typeof filterNames)[number];
type Filters = Record<FilterName, string>;

const pageSize = 50;

function readFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters = {} as Filters;
  for (const name of filterNames) filters[name] = params.get(name) ?? '';
  return filters;
}

function writeFilters(filters: Filters): void {
  const params = new URLSearchParams();
  for (const name of filterNames) if (filters[name] !== '') params.set(name, filters[name]);
  const query = params.toString();
  navigate(`/logs${query === '' ? '' : `?${query}`}`, { replace: true });
}

function toQuery(filters: Filters, cursor: string | undefined): LogQuery {
  return {
    since: parseLocalDateTime(filters.since),
    until: parseLocalDateTime(filters.until),
    key: filters.key,
    model: filters.model,
    channel: filters.channel,
    status: filters.status,
    errors_only: filters.errors_only === 'true',
    limit: pageSize,
    cursor,
  };
}

interface Suggestions {
  key: string[];
  model: string[];
  channel: string[];
}

/** Names to offer in the filters: the keys, the channels and their models. */
async function loadSuggestions(signal: AbortSignal): Promise<Suggestions> {
  const [keys, channels] = await Promise.all([listKeys(signal), listChannels(signal)]);
  const models = new Set(channels.flatMap((channel) => [...(channel.models ?? []), ...Object.keys(channel.model_map ?? {})]).filter((model) => !model.includes('*')));
  return { key: keys.map((key) => key.name), model: [...models].sort(), channel: channels.map((channel) => channel.name) };
}

function FilterBar({ filters, onApply }: { filters: Filters; onApply: (filters: Filters) => void }): ReactNode {
  const t = useT();
  const [draft, setDraft] = useState(filters);
  const suggestions = useResource((signal) => loadSuggestions(signal), []);
  const set = (name: FilterName, value: string): void => {
    setDraft((previous) => ({ ...previous, [name]: value }));
  };
  const text = (name: 'key' | 'model' | 'channel' | 'status', label: string): ReactNode => {
    const options = name === 'status' ? undefined : suggestions.data?.[name];
    return (
      <label className="field">
        <span>{label}</span>
        <input name={name} list={options === undefined ? undefined : `log-filter-${name}`} inputMode={name === 'status' ? 'numeric' : undefined} value={draft[name]} onChange={(event) => { set(name, event.target.value); }} />
        {options !== undefined && (
          <datalist id={`log-filter-${name}`}>
            {options.map((option) => (
              <option key={option} value={option} />
            ))}
          </datalist>
        )}
      </label>
    );
  };
  return (
    <form
      className="filters"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <label className="field">
        <span>{t('logs.since')}</span>
        <input name="since" type="datetime-local" value={draft.since} onChange={(event) => { set('since', event.target.value); }} />
      </label>
      <label className="field">
        <span>{t('logs.until')}</span>
        <input name="until" type="datetime-local" value={draft.until} onChange={(event) => { set('until', event.target.value); }} />
      </label>
      {text('key', t('logs.key'))}
      {text('model', t('common.model'))}
      {text('channel', t('logs.channel'))}
      {text('status', t('logs.status'))}
      <label className="field inline">
        <input type="checkbox" checked={draft.errors_only === 'true'} onChange={(event) => { set('errors_only', event.target.checked ? 'true' : ''); }} />
        <span>{t('logs.errorsOnly')}</span>
      </label>
      <div className="field inline">
        <button type="submit" className="button primary">
          {t('logs.apply')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            const cleared = readFilters('');
            setDraft(cleared);
            onApply(cleared);
          }}
        >
          {t('logs.clear')}
        </button>
      </div>
    </form>
  );
}

export function LogsPage(): ReactNode {
  const t = useT();
  const search = useSearch();
  const filters = readFilters(search);
  // Cursors of the pages before this one, so "newer" can go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [live, setLive] = useState(true);
  const logs = useResource((signal) => listLogs(toQuery(filters, cursor), signal), [search, cursor], live && cursor === undefined ? 5000 : undefined);
  const rows = logs.data?.data ?? [];
  const next = logs.data?.next_cursor ?? undefined;

  return (
    <>
      <div className="page-header">
        <h1>{t('nav.logs')}</h1>
        <div className="actions">
          <label className="field inline">
            <input type="checkbox" checked={live} onChange={(event) => { setLive(event.target.checked); }} />
            <span>{t('logs.live')}</span>
          </label>
          <button type="button" className="button" onClick={logs.reload}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      <FilterBar
        key={search}
        filters={filters}
        onApply={(next) => {
          setCursors([undefined]);
          writeFilters(next);
        }}
      />
      <ErrorBox error={logs.error} />
      <div className="table-wrap">
        <table className="responsive dense" data-testid="log-table">
          <thead>
            <tr>
              <th>{t('logs.time')}</th>
              <th>{t('logs.key')}</th>
              <th>{t('common.model')}</th>
              <th>{t('logs.channel')}</th>
              <th>{t('logs.mode')}</th>
              <th>{t('logs.status')}</th>
              <th className="num">TTFT</th>
              <th className="num">{t('logs.duration')}</th>
              <th className="num">{t('logs.tokens')}</th>
              <th className="num">{t('logs.cost')}</th>
              <th>{t('logs.adaptations')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.request_id}
                className="clickable"
                data-request-id={row.request_id}
                onClick={() => {
                  navigate(`/logs/${encodeURIComponent(row.request_id)}`);
                }}
              >
                <td data-label={t('logs.time')} className="nowrap">
                  <a href={href(`/logs/${encodeURIComponent(row.request_id)}`)} onClick={(event) => { event.preventDefault(); }}>
                    {formatTime(row.time)}
                  </a>
                </td>
                <td data-label={t('logs.key')}>{row.key ?? <span className="muted">–</span>}</td>
                <td data-label={t('common.model')}>
                  {row.client_model}
                  {row.upstream_model !== undefined && row.upstream_model !== null && row.upstream_model !== row.client_model && <div className="muted">→ {row.upstream_model}</div>}
                </td>
                <td data-label={t('logs.channel')}>{row.channel ?? <span className="muted">–</span>}</td>
                <td data-label={t('logs.mode')} className="nowrap">{modeLabel(row)}</td>
                <td data-label={t('logs.status')}>
                  <Badge tone={statusTone(row.status, row.error_code)} title={row.error_message ?? undefined}>
                    {row.status}
                    {row.error_code !== undefined && row.error_code !== null ? ` ${row.error_code}` : ''}
                  </Badge>
                </td>
                <td data-label={'TTFT'} className="num nowrap">{formatMs(row.first_token_ms)}</td>
                <td data-label={t('logs.duration')} className="num nowrap">{formatMs(row.duration_ms)}</td>
                <td data-label={t('logs.tokens')} className="num nowrap" title={row.usage_source === 'estimated' ? t('logs.estimated') : undefined}>
                  {tokensLabel(row)}
                  {row.usage_source === 'estimated' ? '*' : ''}
                </td>
                <td data-label={t('logs.cost')} className="num nowrap">{formatUsd(row.cost_usd)}</td>
                <td data-label={t('logs.adaptations')}>
                  <div className="badges">
                    {row.adaptations.map((adaptation) => (
                      <Badge key={adaptation} tone={adaptationTone(adaptation)}>
                        {adaptation}
                      </Badge>
                    ))}
                    {row.attempts.length > 1 && <Badge tone="warn">{t('logs.attemptsCount', { count: row.attempts.length })}</Badge>}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!logs.loading && rows.length === 0 && <div className="empty">{t('logs.none')}</div>}
      </div>
      <div className="table-footer">
        <span className="muted">{t('logs.estimatedNote')}</span>
        <span>
          <button type="button" className="button" disabled={cursors.length <= 1} onClick={() => { setCursors((previous) => previous.slice(0, -1)); }}>
            ← {t('logs.newer')}
          </button>{' '}
          <button type="button" className="button" disabled={next === undefined} onClick={() => { setCursors((previous) => [...previous, next]); }}>
            {t('logs.older')} →
          </button>
        </span>
      </div>
    </>
  );
}
