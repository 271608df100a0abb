// Create or edit an API channel. The fields are the config file's (snake_case), so what works here
// works in sluice.yaml too; the less common ones sit under "Advanced" as JSON.
import { useState, type ReactNode } from 'react';
import { createChannel, updateChannel } from '../api/admin.ts';
import type { ChannelView } from '../api/types.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { useT } from '../i18n/i18n.tsx';

const channelTypes = ['openai', 'azure', 'anthropic', 'gemini', 'ollama', 'echo'] as const;

interface FormState {
  name: string;
  type: string;
  baseUrl: string;
  apiKey: string;
  models: string;
  priority: string;
  weight: string;
  apiVersion: string;
  maxConcurrency: string;
  preferStream: boolean;
  debug: boolean;
  enabled: boolean;
  modelMap: string;
  capabilities: string;
  overrides: string;
  headers: string;
}

function jsonText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && Object.keys(value).length === 0) return '';
  return JSON.stringify(value, null, 2);
}

function initialState(channel: ChannelView | undefined): FormState {
  return {
    name: channel?.name ?? '',
    type: channel?.type ?? 'openai',
    baseUrl: channel?.base_url ?? '',
    apiKey: '',
    models: (channel?.models ?? []).join(', '),
    priority: String(channel?.priority ?? 0),
    weight: String(channel?.weight ?? 1),
    apiVersion: channel?.api_version ?? '',
    maxConcurrency: channel?.max_concurrency === undefined || channel.max_concurrency === null ? '' : String(channel.max_concurrency),
    preferStream: channel?.prefer_stream ?? false,
    debug: channel?.debug ?? false,
    enabled: channel?.enabled ?? true,
    modelMap: jsonText(channel?.model_map),
    capabilities: jsonText(channel?.capabilities),
    overrides: jsonText(channel?.overrides),
    headers: jsonText(channel?.headers),
  };
}

class FieldError extends Error {}

function parseJsonField(text: string, label: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(`${label}: expected a JSON object`);
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof FieldError) throw error;
    throw new FieldError(`${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseNumber(text: string, label: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new FieldError(`${label}: expected a number, got ${text}`);
  return value;
}

/**
 * The channel entry as the config file spells it. Creating: the fields that are set. Editing: a JSON
 * merge patch (RFC 7396), as PATCH /channels/:name takes it, where `null` removes a cleared field.
 */
function toEntry(state: FormState, original: ChannelView | undefined): Record<string, unknown> {
  const entry: Record<string, unknown> = { type: state.type };
  if (original === undefined) entry['name'] = state.name.trim();
  entry['models'] = state.models.split(/[\s,]+/).filter((model) => model !== '');
  const trimmed = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());
  const fields: [keyof ChannelView | 'api_key', unknown][] = [
    ['base_url', trimmed(state.baseUrl)],
    ['priority', parseNumber(state.priority, 'priority')],
    ['weight', parseNumber(state.weight, 'weight')],
    ['api_version', state.type === 'azure' ? trimmed(state.apiVersion) : undefined],
    ['max_concurrency', parseNumber(state.maxConcurrency, 'max_concurrency')],
    ['prefer_stream', state.preferStream],
    ['debug', state.debug],
    ['enabled', state.enabled],
    ['model_map', parseJsonField(state.modelMap, 'model_map')],
    ['capabilities', parseJsonField(state.capabilities, 'capabilities')],
    ['overrides', parseJsonField(state.overrides, 'overrides')],
    ['headers', parseJsonField(state.headers, 'headers')],
  ];
  for (const [name, value] of fields) {
    if (value !== undefined) entry[name] = value;
    else if (original !== undefined) entry[name] = null;
  }
  const apiKey = trimmed(state.apiKey);
  if (apiKey !== undefined) {
    entry['api_key'] = apiKey;
    // One key replaces a rotated list, if the channel had one.
    if (original !== undefined) entry['api_keys'] = null;
  }
  return entry;
}

/**
 * Only what the operator changed: the API shows headers, overrides and URLs with secrets masked, so
 * sending back an untouched field would overwrite the real value with the mask.
 */
function changedFields(entry: Record<string, unknown>, before: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(before[name])));
}

export function ChannelForm({ channel, onSaved, onCancel }: { channel?: ChannelView | undefined; onSaved: () => void; onCancel: () => void }): ReactNode {
  const t = useT();
  const editing = channel !== undefined;
  const [state, setState] = useState<FormState>(() => initialState(channel));
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]): void => {
    setState((previous) => ({ ...previous, [field]: value }));
  };

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      if (editing) await updateChannel(channel.name, changedFields(toEntry(state, channel), toEntry(initialState(channel), channel)));
      else await createChannel(toEntry(state, undefined));
      onSaved();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="form-grid">
        <label className="field">
          <span>{t('channels.name')}</span>
          <input name="name" autoFocus={!editing} value={state.name} onChange={(event) => { set('name', event.target.value); }} required disabled={editing} pattern="[A-Za-z0-9._\-]+" />
        </label>
        <label className="field">
          <span>{t('channels.type')}</span>
          <select name="type" value={state.type} onChange={(event) => { set('type', event.target.value); }}>
            {channelTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label className="field span-2">
          <span>{t('channels.baseUrl')}</span>
          <input name="base_url" type="url" placeholder="https://api.example.com/v1" value={state.baseUrl} onChange={(event) => { set('baseUrl', event.target.value); }} />
        </label>
        <label className="field span-2">
          <span>{t('channels.apiKey')}</span>
          <input name="api_key" type="password" autoComplete="off" placeholder={editing ? t('channels.apiKeyKeep') : ''} value={state.apiKey} onChange={(event) => { set('apiKey', event.target.value); }} />
        </label>
        <div className="field span-2">
          <label className="field">
            <span>{t('channels.models')}</span>
            <input name="models" placeholder="gpt-4o-mini, qwq-*" aria-describedby="channel-models-help" value={state.models} onChange={(event) => { set('models', event.target.value); }} required />
          </label>
          <span id="channel-models-help" className="field-help">{t('channels.modelsHelp')}</span>
        </div>
        <label className="field">
          <span>{t('channels.priority')}</span>
          <input name="priority" type="number" value={state.priority} onChange={(event) => { set('priority', event.target.value); }} />
        </label>
        <label className="field">
          <span>{t('channels.weight')}</span>
          <input name="weight" type="number" min="0" step="any" value={state.weight} onChange={(event) => { set('weight', event.target.value); }} />
        </label>
        {state.type === 'azure' && (
          <label className="field">
            <span>api_version</span>
            <input name="api_version" placeholder="2024-10-21" value={state.apiVersion} onChange={(event) => { set('apiVersion', event.target.value); }} />
          </label>
        )}
        <label className="field">
          <span>{t('channels.maxConcurrency')}</span>
          <input name="max_concurrency" type="number" min="1" value={state.maxConcurrency} onChange={(event) => { set('maxConcurrency', event.target.value); }} />
        </label>
        <label className="field inline">
          <input type="checkbox" checked={state.enabled} onChange={(event) => { set('enabled', event.target.checked); }} />
          <span>{t('channels.enabled')}</span>
        </label>
        <label className="field inline">
          <input type="checkbox" checked={state.preferStream} onChange={(event) => { set('preferStream', event.target.checked); }} />
          <span>{t('channels.preferStream')}</span>
        </label>
        <label className="field inline">
          <input type="checkbox" checked={state.debug} onChange={(event) => { set('debug', event.target.checked); }} />
          <span>{t('channels.debug')}</span>
        </label>
      </div>
      <details className="section">
        <summary>{t('channels.advanced')}</summary>
        <div className="form-grid">
          {(['modelMap', 'capabilities', 'overrides', 'headers'] as const).map((field) => (
            <label key={field} className="field span-2">
              <span>{{ modelMap: 'model_map', capabilities: 'capabilities', overrides: 'overrides', headers: 'headers' }[field]}</span>
              <textarea rows={3} value={state[field]} placeholder={{ modelMap: '{"grok": "grok-2-1212"}', capabilities: '{"qwq-*": {"stream": "required"}}', overrides: '{"stream_options": null}', headers: '{"X-Extra": "value"}' }[field]} onChange={(event) => { set(field, event.target.value); }} />
            </label>
          ))}
        </div>
      </details>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('common.working') : editing ? t('common.save') : t('channels.create')}
        </button>
      </div>
    </form>
  );
}
