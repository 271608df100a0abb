// The playground: one prompt sent to a model in stream and non-stream mode side by side, the answer
// shown as it streams, and what Sluice did for each call — the channel and model that answered,
// attempts and overhead (x-sluice-* headers), then the upstream mode and adaptations from the log.
import { useRef, useState, type ReactNode } from 'react';
import { createKey, getLog, listAllModels, listKeys } from '../api/admin.ts';
import { sendChat, type ChatOutcome } from '../api/chat.ts';
import type { LogDetail, ModelView } from '../api/types.ts';
import { Badge } from '../components/badge.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { useT } from '../i18n/i18n.tsx';
import { formatMs } from '../lib/format.ts';
import { adaptationTone, modeLabel, statusTone } from '../lib/log-labels.ts';
import { href, navigate } from '../lib/router.ts';
import { useResource } from '../lib/use-resource.ts';

const clientKeyItem = 'sluice.playgroundKey';

interface Run {
  running: boolean;
  outcome: ChatOutcome | undefined;
  error: unknown;
  log: LogDetail | undefined;
}

const idle: Run = { running: false, outcome: undefined, error: undefined, log: undefined };

function Result({ title, run, streaming }: { title: string; run: Run; streaming: boolean }): ReactNode {
  const t = useT();
  const outcome = run.outcome;
  const requestId = outcome?.headers.requestId;
  return (
    <section className="card" data-testid={streaming ? 'result-stream' : 'result-json'}>
      <div className="card-header">
        <h2>{title}</h2>
        {run.running && <Badge tone="info">{streaming ? t('playground.streaming') : t('playground.waiting')}</Badge>}
        {!run.running && outcome !== undefined && <Badge tone={statusTone(outcome.status, outcome.streamError)}>{outcome.status}</Badge>}
      </div>
      <ErrorBox error={run.error} />
      {outcome?.streamError !== undefined && <ErrorBox error={new Error(outcome.streamError)} />}
      {outcome?.reasoning !== undefined && outcome.reasoning !== '' && <div className="answer muted" style={{ minHeight: 0, marginBottom: 8 }}>{outcome.reasoning}</div>}
      <div className={run.running && streaming ? 'answer streaming' : 'answer'} data-testid="answer">
        {outcome?.content}
      </div>
      {outcome !== undefined && (
        <dl className="kv" style={{ marginTop: 12 }}>
          <dt>{t('logs.channel')}</dt>
          <dd>
            {outcome.headers.channel ?? '–'}
            {outcome.headers.model !== undefined && <span className="muted"> · {outcome.headers.model}</span>}
          </dd>
          <dt>{t('playground.upstreamMode')}</dt>
          <dd>{run.log === undefined ? '…' : modeLabel(run.log)}</dd>
          <dt>{t('logs.adaptations')}</dt>
          <dd>
            {run.log === undefined ? (
              '…'
            ) : run.log.adaptations.length === 0 ? (
              <span className="muted">{t('detail.noAdaptations')}</span>
            ) : (
              <span className="badges">
                {run.log.adaptations.map((adaptation) => (
                  <Badge key={adaptation} tone={adaptationTone(adaptation)}>
                    {adaptation}
                  </Badge>
                ))}
              </span>
            )}
          </dd>
          <dt>{t('detail.attempts')}</dt>
          <dd data-testid="attempts-count">{outcome.headers.attempts ?? '–'}</dd>
          <dt>{t('detail.overhead')}</dt>
          <dd>{formatMs(outcome.headers.overheadMs)}</dd>
          <dt>TTFT</dt>
          <dd>{formatMs(outcome.firstTokenMs)}</dd>
          <dt>{t('logs.duration')}</dt>
          <dd>{formatMs(outcome.durationMs)}</dd>
          <dt>{t('logs.tokens')}</dt>
          <dd>{outcome.usage === undefined ? '–' : `${outcome.usage.prompt_tokens ?? 0} + ${outcome.usage.completion_tokens ?? 0}`}</dd>
          {streaming && (
            <>
              <dt>{t('playground.events')}</dt>
              <dd>{outcome.events}</dd>
            </>
          )}
          <dt>{t('playground.requestId')}</dt>
          <dd>
            {requestId === undefined ? (
              '–'
            ) : (
              <a href={href(`/logs/${encodeURIComponent(requestId)}`)} onClick={(event) => { event.preventDefault(); navigate(`/logs/${encodeURIComponent(requestId)}`); }}>
                <code>{requestId}</code>
              </a>
            )}
          </dd>
        </dl>
      )}
    </section>
  );
}

/**
 * Every model, from the admin API (no client key needed to list them, issue 16). With keys
 * configured a call needs one: until the operator pastes or creates a key, offer to create one
 * rather than send and be refused.
 */
async function loadModels(clientKey: string): Promise<{ models: ModelView[]; needsKey: boolean }> {
  const [models, keys] = await Promise.all([listAllModels(), clientKey === '' ? listKeys() : Promise.resolve([])]);
  return { models, needsKey: keys.some((key) => key.enabled) };
}

export function PlaygroundPage(): ReactNode {
  const t = useT();
  const [clientKey, setClientKey] = useState(() => sessionStorage.getItem(clientKeyItem) ?? '');
  const models = useResource(() => loadModels(clientKey), [clientKey]);
  const [model, setModel] = useState('');
  const [system, setSystem] = useState('');
  const [prompt, setPrompt] = useState('');
  const [modes, setModes] = useState({ stream: true, json: true });
  const [streamRun, setStreamRun] = useState<Run>(idle);
  const [jsonRun, setJsonRun] = useState<Run>(idle);
  const [keyError, setKeyError] = useState<unknown>(undefined);
  const abort = useRef<AbortController | undefined>(undefined);
  const chosenModel = model !== '' ? model : (models.data?.models[0]?.id ?? '');
  const running = streamRun.running || jsonRun.running;

  const saveKey = (key: string): void => {
    setClientKey(key);
    sessionStorage.setItem(clientKeyItem, key);
  };

  const makeKey = async (): Promise<void> => {
    setKeyError(undefined);
    try {
      const created = await createKey({ name: `playground-${new Date().toISOString().replace(/[:.]/g, '-')}`, models: ['*'] });
      saveKey(created.key);
    } catch (reason) {
      setKeyError(reason);
    }
  };

  const runOne = async (stream: boolean, setRun: (update: (previous: Run) => Run) => void, signal: AbortSignal): Promise<void> => {
    setRun(() => ({ ...idle, running: true }));
    try {
      const outcome = await sendChat({
        model: chosenModel,
        prompt,
        system,
        clientKey,
        stream,
        signal,
        onProgress: (progress) => {
          setRun((previous) => ({ ...previous, outcome: progress }));
        },
      });
      setRun((previous) => ({ ...previous, running: false, outcome }));
      if (outcome.headers.requestId !== undefined) {
        const log = await getLog(outcome.headers.requestId).catch(() => undefined);
        setRun((previous) => ({ ...previous, log }));
      }
    } catch (error) {
      setRun((previous) => ({ ...previous, running: false, error: signal.aborted ? new Error(t('playground.stopped')) : error }));
    }
  };

  const send = (): void => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    if (modes.stream) void runOne(true, setStreamRun, controller.signal);
    else setStreamRun(idle);
    if (modes.json) void runOne(false, setJsonRun, controller.signal);
    else setJsonRun(idle);
  };

  return (
    <>
      <div className="page-header">
        <h1>{t('nav.playground')}</h1>
      </div>
      <section className="card">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            send();
          }}
        >
          <div className="form-grid">
            <div className="field">
              <label htmlFor="playground-model">{t('common.model')}</label>
              <select id="playground-model" name="model" value={chosenModel} onChange={(event) => { setModel(event.target.value); }}>
                {(models.data?.models ?? []).map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.id}
                    {entry.capabilities !== undefined && entry.capabilities.stream === 'adapted' ? ` (${t('playground.streamAdapted')})` : ''}
                    {entry.capabilities !== undefined && entry.capabilities.non_stream === 'adapted' ? ` (${t('playground.jsonAdapted')})` : ''}
                  </option>
                ))}
              </select>
              {models.data !== undefined && models.data.models.length === 0 && <span className="field-help">{t('playground.noModels')}</span>}
              <ErrorBox error={models.error} />
            </div>
            <div className="field">
              <label htmlFor="playground-client-key">{t('playground.clientKey')}</label>
              <div style={{ display: 'flex', gap: 6 }}>
                <input id="playground-client-key" name="client-key" type="password" autoComplete="off" style={{ flex: 1 }} value={clientKey} placeholder={t('playground.clientKeyPlaceholder')} onChange={(event) => { saveKey(event.target.value); }} />
                <button type="button" className="button" onClick={() => { void makeKey(); }}>
                  {t('playground.createKey')}
                </button>
              </div>
            </div>
            <label className="field span-2">
              <span>{t('playground.system')}</span>
              <input name="system" value={system} onChange={(event) => { setSystem(event.target.value); }} />
            </label>
            <label className="field span-2">
              <span>{t('playground.prompt')}</span>
              <textarea
                className="prose"
                name="prompt"
                rows={4}
                value={prompt}
                required
                onChange={(event) => { setPrompt(event.target.value); }}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                    event.preventDefault();
                    send();
                  }
                }}
              />
            </label>
          </div>
          {models.data?.needsKey === true && clientKey === '' && (
            <div className="notice" data-testid="needs-key">
              {t('playground.needsKey')}{' '}
              <button type="button" className="button primary" onClick={() => { void makeKey(); }}>
                {t('playground.createPlaygroundKey')}
              </button>
            </div>
          )}
          <ErrorBox error={keyError} />
          <div className="form-actions" style={{ justifyContent: 'space-between', flexWrap: 'wrap' }}>
            <span style={{ display: 'flex', gap: 12 }}>
              <label className="field inline">
                <input type="checkbox" checked={modes.stream} onChange={(event) => { setModes({ ...modes, stream: event.target.checked }); }} />
                <span>{t('playground.stream')}</span>
              </label>
              <label className="field inline">
                <input type="checkbox" checked={modes.json} onChange={(event) => { setModes({ ...modes, json: event.target.checked }); }} />
                <span>{t('playground.nonStream')}</span>
              </label>
            </span>
            <span style={{ display: 'flex', gap: 8 }}>
              {running && (
                <button type="button" className="button" onClick={() => { abort.current?.abort(); }}>
                  {t('playground.stop')}
                </button>
              )}
              <button type="submit" className="button primary" disabled={chosenModel === '' || prompt.trim() === '' || (!modes.stream && !modes.json)}>
                {t('playground.send')}
              </button>
            </span>
          </div>
        </form>
      </section>
      <div className="two-columns" style={{ marginTop: 16 }}>
        {modes.stream && <Result title={t('playground.stream')} run={streamRun} streaming />}
        {modes.json && <Result title={t('playground.nonStream')} run={jsonRun} streaming={false} />}
      </div>
    </>
  );
}
