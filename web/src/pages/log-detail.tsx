// One request in full: the attempts as a timeline, what Sluice adapted and why, and the debug
// capture (the client's side, then each upstream exchange with masked headers and the raw body or
// SSE transcript). Replay sends the captured request through Sluice again.
import { useState, type ReactNode } from 'react';
import { getLog, listCapabilities, replayLog } from '../api/admin.ts';
import type { CapturedExchange, LearnedCapability, LogDetail, LoggedAttempt, ReplayOutcome, ReplayResult } from '../api/types.ts';
import { Badge } from '../components/badge.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { SseTranscript } from '../components/sse-transcript.tsx';
import { useT, type Translate } from '../i18n/i18n.tsx';
import { formatMs, formatTime, formatUsd } from '../lib/format.ts';
import { adaptationTone, modeLabel, statusTone, tokensLabel } from '../lib/log-labels.ts';
import { href, navigate } from '../lib/router.ts';
import { looksLikeSse, prettyJson } from '../lib/sse.ts';
import { useResource } from '../lib/use-resource.ts';

function explainAdaptation(adaptation: string, t: Translate): string {
  if (adaptation === 'collect-stream') return t('adaptation.collectStream');
  if (adaptation === 'replay-as-stream') return t('adaptation.replayAsStream');
  if (adaptation === 'usage-counted-locally') return t('adaptation.usageCounted');
  if (adaptation.startsWith('learned:')) return t('adaptation.learned', { what: adaptation.slice('learned:'.length) });
  return adaptation;
}

/**
 * Why Sluice learned: what it remembers for the channel and model (the upstream's own words), or
 * else the captured answer of the attempt that was refused.
 */
function evidenceFor(detail: LogDetail, adaptation: string, learned: readonly LearnedCapability[]): string | undefined {
  if (!adaptation.startsWith('learned:')) return undefined;
  const refused = detail.attempts.findIndex((attempt) => attempt.status !== null && attempt.status >= 400);
  const attempt = detail.attempts[refused];
  const remembered = learned.find((entry) => entry.channel === attempt?.channel && entry.model === attempt.upstream_model);
  if (remembered !== undefined) return remembered.evidence;
  const captured = detail.capture?.attempts[refused];
  return captured === undefined ? undefined : `${captured.status ?? ''} ${captured.response_body}`.trim();
}

function Timeline({ attempts }: { attempts: readonly LoggedAttempt[] }): ReactNode {
  const t = useT();
  if (attempts.length === 0) return <div className="muted">{t('detail.noAttempts')}</div>;
  const longest = Math.max(1, ...attempts.map((attempt) => attempt.duration_ms));
  return (
    <ol className="timeline" data-testid="attempts">
      {attempts.map((attempt, index) => {
        const ok = attempt.status !== undefined && attempt.status !== null && attempt.status < 400 && (attempt.error_code ?? undefined) === undefined;
        return (
          <li key={index}>
            <span className={`timeline-dot ${ok ? 'ok' : 'fail'}`}>{index + 1}</span>
            <div>
              <div>
                <strong>{attempt.channel}</strong> · <code>{attempt.upstream_model}</code> · {attempt.upstream_stream ? 'stream' : 'json'} ·{' '}
                <Badge tone={statusTone(attempt.status, attempt.error_code)}>{attempt.status ?? t('detail.noStatus')}</Badge>
                {attempt.error_code !== undefined && attempt.error_code !== null && <> <code>{attempt.error_code}</code></>} · {formatMs(attempt.duration_ms)}
              </div>
              <div className="timeline-bar" style={{ width: `${Math.max(0.5, (attempt.duration_ms / longest) * 100).toFixed(1)}%` }} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function Headers({ headers }: { headers: Record<string, string> }): ReactNode {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <span className="muted">–</span>;
  return (
    <dl className="kv mono">
      {entries.map(([name, value]) => (
        <div key={name} style={{ display: 'contents' }}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Body({ body, headers }: { body: string; headers?: Record<string, string> }): ReactNode {
  if (body === '') return <span className="muted">–</span>;
  if (looksLikeSse(body, headers)) return <SseTranscript transcript={body} />;
  return <pre className="block">{prettyJson(body)}</pre>;
}

function Exchange({ exchange }: { exchange: CapturedExchange }): ReactNode {
  const t = useT();
  return (
    <div>
      <dl className="kv">
        <dt>URL</dt>
        <dd className="mono">{exchange.url}</dd>
        <dt>{t('logs.status')}</dt>
        <dd>
          <Badge tone={statusTone(exchange.status)}>{exchange.status ?? t('detail.noStatus')}</Badge>
          {exchange.truncated && <> <Badge tone="warn">{t('detail.truncated')}</Badge></>}
        </dd>
      </dl>
      <details className="section" open>
        <summary>{t('detail.requestHeaders')}</summary>
        <div>
          <Headers headers={exchange.request_headers} />
        </div>
      </details>
      <details className="section" open>
        <summary>{t('detail.requestBody')}</summary>
        <div>
          <Body body={exchange.request_body} />
        </div>
      </details>
      <details className="section">
        <summary>{t('detail.responseHeaders')}</summary>
        <div>
          <Headers headers={exchange.response_headers} />
        </div>
      </details>
      <details className="section" open>
        <summary>{t('detail.responseBody')}</summary>
        <div>
          <Body body={exchange.response_body} headers={exchange.response_headers} />
        </div>
      </details>
    </div>
  );
}

function CaptureView({ detail }: { detail: LogDetail }): ReactNode {
  const t = useT();
  const capture = detail.capture ?? undefined;
  const [tab, setTab] = useState(capture === undefined ? 0 : capture.attempts.length > 0 ? capture.attempts.length : 0);
  if (capture === undefined) return <div className="notice">{t('detail.noCapture')}</div>;
  const tabs = [t('detail.client'), ...capture.attempts.map((_, index) => t('detail.attemptTab', { number: index + 1 }))];
  return (
    <div>
      <div className="tabs" role="tablist">
        {tabs.map((label, index) => (
          <button key={label} type="button" role="tab" aria-selected={tab === index} className={tab === index ? 'tab active' : 'tab'} onClick={() => { setTab(index); }}>
            {label}
          </button>
        ))}
      </div>
      {tab === 0 ? (
        <div>
          <details className="section" open>
            <summary>{t('detail.clientRequest')}</summary>
            <div>
              <Body body={capture.client_request} />
            </div>
          </details>
          <details className="section" open>
            <summary>{t('detail.clientResponse')}</summary>
            <div>
              <Body body={capture.client_response} />
            </div>
          </details>
        </div>
      ) : (
        capture.attempts[tab - 1] !== undefined && <Exchange exchange={capture.attempts[tab - 1] as CapturedExchange} />
      )}
    </div>
  );
}

const outcomeFields = ['status', 'channel', 'finish_reason', 'content', 'error'] as const;

function showOutcomeField(outcome: ReplayOutcome, field: (typeof outcomeFields)[number]): string {
  const value = outcome[field];
  if (value === null || value === undefined) return '–';
  if (typeof value === 'object') return `${value.code ?? ''} ${value.message}`.trim();
  return String(value);
}

function ReplayComparison({ result }: { result: ReplayResult }): ReactNode {
  const t = useT();
  const differs = new Set(result.differences.map((difference) => difference.field));
  return (
    <div data-testid="replay-result">
      <p>
        <Badge tone={result.same ? 'ok' : 'warn'}>{result.same ? t('detail.replaySame') : t('detail.replayDiffers')}</Badge>{' '}
        <a href={href(`/logs/${encodeURIComponent(result.replay_request_id)}`)} onClick={(event) => { event.preventDefault(); navigate(`/logs/${encodeURIComponent(result.replay_request_id)}`); }}>
          {t('detail.openReplay')} <code>{result.replay_request_id}</code>
        </a>
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th />
              <th>{t('detail.original')}</th>
              <th>{t('detail.replayed')}</th>
            </tr>
          </thead>
          <tbody>
            {outcomeFields.map((field) => (
              <tr key={field}>
                <th>
                  {field} {differs.has(field) && <Badge tone="warn">≠</Badge>}
                </th>
                <td className="mono" style={{ whiteSpace: 'pre-wrap' }}>{showOutcomeField(result.original, field)}</td>
                <td className="mono" style={{ whiteSpace: 'pre-wrap' }}>{showOutcomeField(result.replay, field)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Replay({ detail }: { detail: LogDetail }): ReactNode {
  const t = useT();
  const [channel, setChannel] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReplayResult | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await replayLog(detail.request_id, channel));
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'end', marginBottom: 8 }}>
        <label className="field">
          <span>{t('detail.replayChannel')}</span>
          <input value={channel} placeholder={detail.channel ?? ''} onChange={(event) => { setChannel(event.target.value); }} />
        </label>
        <button type="button" className="button primary" disabled={busy || !detail.captured} onClick={() => { void run(); }}>
          {busy ? t('common.working') : t('detail.replay')}
        </button>
      </div>
      {!detail.captured && <p className="muted">{t('detail.replayNeedsCapture')}</p>}
      <ErrorBox error={error} />
      {result !== undefined && <ReplayComparison result={result} />}
    </div>
  );
}

export function LogDetailPage({ requestId }: { requestId: string }): ReactNode {
  const t = useT();
  const log = useResource((signal) => getLog(requestId, signal), [requestId]);
  const learned = useResource((signal) => listCapabilities(signal).catch(() => []), [requestId]);
  const detail = log.data;
  return (
    <>
      <div className="page-header">
        <div>
          <a href={href('/logs')} onClick={(event) => {
              event.preventDefault();
              if (window.history.length > 1) window.history.back();
              else navigate('/logs');
            }}>
            ← {t('nav.logs')}
          </a>
          <h1 className="mono">{requestId}</h1>
        </div>
      </div>
      <ErrorBox error={log.error} />
      {detail !== undefined && (
        <>
          <section className="card">
            <dl className="kv">
              <dt>{t('logs.time')}</dt>
              <dd>{formatTime(detail.time)}</dd>
              <dt>{t('logs.key')}</dt>
              <dd>{detail.key ?? '–'}</dd>
              <dt>{t('common.model')}</dt>
              <dd>
                {detail.client_model}
                {detail.answered_model !== undefined && detail.answered_model !== null && detail.answered_model !== detail.client_model && ` → ${t('detail.fallback')} ${detail.answered_model}`}
                {detail.upstream_model !== undefined && detail.upstream_model !== null && <span className="muted"> ({t('detail.upstreamModel')} {detail.upstream_model})</span>}
              </dd>
              <dt>{t('logs.channel')}</dt>
              <dd>{detail.channel ?? '–'}</dd>
              <dt>{t('logs.mode')}</dt>
              <dd>{modeLabel(detail)}</dd>
              <dt>{t('logs.status')}</dt>
              <dd>
                <Badge tone={statusTone(detail.status, detail.error_code)}>{detail.status}</Badge> {detail.error_code !== undefined && detail.error_code !== null && <code>{detail.error_code}</code>}
                {detail.error_message !== undefined && detail.error_message !== null && <div className="error-message">{detail.error_message}</div>}
              </dd>
              <dt>TTFT</dt>
              <dd>{formatMs(detail.first_token_ms)}</dd>
              <dt>{t('logs.duration')}</dt>
              <dd>{formatMs(detail.duration_ms)}</dd>
              <dt>{t('detail.overhead')}</dt>
              <dd>{formatMs(detail.overhead_ms)}</dd>
              <dt>{t('logs.tokens')}</dt>
              <dd>
                {tokensLabel(detail)} {detail.usage_source !== undefined && detail.usage_source !== null && <Badge tone={detail.usage_source === 'estimated' ? 'warn' : 'neutral'}>{detail.usage_source}</Badge>}
              </dd>
              <dt>{t('logs.cost')}</dt>
              <dd data-testid="cost">{detail.cost_usd === undefined || detail.cost_usd === null ? <span className="muted">{detail.prompt_tokens === null ? '–' : t('logs.noPrice')}</span> : formatUsd(detail.cost_usd)}</dd>
              <dt>{t('detail.client')}</dt>
              <dd className="mono">
                {detail.client_ip ?? '–'} {detail.user_agent ?? ''}
              </dd>
            </dl>
          </section>
          <div className="two-columns" style={{ marginTop: 16 }}>
            <section className="card">
              <h2 className="card-header">{t('detail.attempts')}</h2>
              <Timeline attempts={detail.attempts} />
            </section>
            <section className="card">
              <h2 className="card-header">{t('logs.adaptations')}</h2>
              {detail.adaptations.length === 0 ? (
                <div className="muted">{t('detail.noAdaptations')}</div>
              ) : (
                <ul className="adaptations" data-testid="adaptations">
                  {detail.adaptations.map((adaptation) => {
                    const evidence = evidenceFor(detail, adaptation, learned.data ?? []);
                    return (
                      <li key={adaptation}>
                        <Badge tone={adaptationTone(adaptation)}>{adaptation}</Badge> {explainAdaptation(adaptation, t)}
                        {evidence !== undefined && (
                          <div className="muted">
                            {t('detail.evidence')}: <span className="mono">{evidence}</span>
                          </div>
                        )}
                      </li>
                    );
                  })}
                </ul>
              )}
            </section>
          </div>
          <section className="card">
            <h2 className="card-header">{t('detail.capture')}</h2>
            <CaptureView detail={detail} />
          </section>
          <section className="card">
            <h2 className="card-header">{t('detail.replay')}</h2>
            <Replay detail={detail} />
          </section>
        </>
      )}
    </>
  );
}
