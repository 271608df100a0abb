// Client keys: who may call which models, how fast, and how much is left of each quota. A new key
// is shown once, here, and never again (Sluice keeps only its hash).
import { useState, type ReactNode } from 'react';
import { createKey, deleteKey, listKeys, updateKey } from '../api/admin.ts';
import type { CreatedKey, KeyView } from '../api/types.ts';
import { Badge } from '../components/badge.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { Dialog } from '../components/dialog.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { UsageBar } from '../components/usage-bar.tsx';
import { useT } from '../i18n/i18n.tsx';
import { formatCount, formatTime, parseLocalDateTime } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';

function toTime(value: string | null): number | undefined {
  if (value === null) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : time;
}

function KeyStatus({ keyView, now }: { keyView: KeyView; now: number }): ReactNode {
  const t = useT();
  const expires = toTime(keyView.expires_at);
  if (!keyView.enabled) return <Badge tone="danger">{t('keys.revoked')}</Badge>;
  if (expires !== undefined && expires <= now) return <Badge tone="warn">{t('keys.expired')}</Badge>;
  return <Badge tone="ok">{t('keys.active')}</Badge>;
}

function Limits({ keyView }: { keyView: KeyView }): ReactNode {
  const t = useT();
  const quota = keyView.quota_tokens ?? undefined;
  const remaining = keyView.remaining_tokens ?? quota;
  const rpm = keyView.rpm ?? undefined;
  const tpm = keyView.tpm ?? undefined;
  return (
    <div>
      {quota !== undefined && <UsageBar label={t('keys.quota')} used={quota - (remaining ?? 0)} limit={quota} />}
      {rpm !== undefined && (keyView.usage?.rpm !== undefined ? <UsageBar label="RPM" used={keyView.usage.rpm} limit={rpm} /> : <div className="muted">RPM ≤ {formatCount(rpm)}</div>)}
      {tpm !== undefined && (keyView.usage?.tpm !== undefined ? <UsageBar label="TPM" used={keyView.usage.tpm} limit={tpm} /> : <div className="muted">TPM ≤ {formatCount(tpm)}</div>)}
      {quota === undefined && rpm === undefined && tpm === undefined && <span className="muted">{t('keys.unlimited')}</span>}
    </div>
  );
}

function optionalNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function KeyForm({ onCreated, onCancel }: { onCreated: (key: CreatedKey) => void; onCancel: () => void }): ReactNode {
  const t = useT();
  const [name, setName] = useState('');
  const [models, setModels] = useState('*');
  const [rpm, setRpm] = useState('');
  const [tpm, setTpm] = useState('');
  const [quota, setQuota] = useState('');
  const [expires, setExpires] = useState('');
  const [debug, setDebug] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const input: Record<string, unknown> = { name: name.trim(), models: models.split(/[\s,]+/).filter((model) => model !== '') };
      const limits: [string, number | undefined][] = [
        ['rpm', optionalNumber(rpm)],
        ['tpm', optionalNumber(tpm)],
        ['quota_tokens', optionalNumber(quota)],
        ];
      for (const [field, value] of limits) if (value !== undefined) input[field] = value;
      const expiresAt = parseLocalDateTime(expires);
      if (expiresAt !== undefined) input['expires_at'] = new Date(expiresAt).toISOString();
      if (debug) input['debug'] = true;
      onCreated(await createKey(input));
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
        <label className="field span-2">
          <span>{t('keys.name')}</span>
          <input name="name" autoFocus value={name} onChange={(event) => { setName(event.target.value); }} required />
        </label>
        <div className="field span-2">
          <label className="field">
            <span>{t('keys.models')}</span>
            <input name="models" aria-describedby="key-models-help" value={models} onChange={(event) => { setModels(event.target.value); }} />
          </label>
          <span id="key-models-help" className="field-help">{t('keys.modelsHelp')}</span>
        </div>
        <label className="field">
          <span>{t('keys.rpm')}</span>
          <input name="rpm" type="number" min="1" value={rpm} onChange={(event) => { setRpm(event.target.value); }} placeholder={t('keys.unlimited')} />
        </label>
        <label className="field">
          <span>{t('keys.tpm')}</span>
          <input name="tpm" type="number" min="1" value={tpm} onChange={(event) => { setTpm(event.target.value); }} placeholder={t('keys.unlimited')} />
        </label>
        <label className="field">
          <span>{t('keys.quotaTokens')}</span>
          <input name="quota_tokens" type="number" min="1" value={quota} onChange={(event) => { setQuota(event.target.value); }} placeholder={t('keys.unlimited')} />
        </label>
        <label className="field">
          <span>{t('keys.expiresAt')}</span>
          <input name="expires_at" type="datetime-local" value={expires} onChange={(event) => { setExpires(event.target.value); }} />
        </label>
        <label className="field inline span-2">
          <input type="checkbox" checked={debug} onChange={(event) => { setDebug(event.target.checked); }} />
          <span>{t('keys.debug')}</span>
        </label>
      </div>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('common.working') : t('keys.create')}
        </button>
      </div>
    </form>
  );
}

function NewKeyNotice({ created, onClose }: { created: CreatedKey; onClose: () => void }): ReactNode {
  const t = useT();
  return (
    <div>
      <p>{t('keys.shownOnce')}</p>
      <div className="secret">
        <code data-testid="new-key">{created.key}</code>
        <CopyButton text={created.key} />
      </div>
      <div className="form-actions">
        <button type="button" className="button primary" onClick={onClose}>
          {t('keys.savedIt')}
        </button>
      </div>
    </div>
  );
}

export function KeysPage(): ReactNode {
  const t = useT();
  const keys = useResource((signal) => listKeys(signal), [], 15_000);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedKey | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const act = (action: () => Promise<unknown>): void => {
    setActionError(undefined);
    action().then(keys.reload, setActionError);
  };
  const list = keys.data ?? [];
  return (
    <>
      <div className="page-header">
        <h1>{t('nav.keys')}</h1>
        <div className="actions">
          <button type="button" className="button primary" onClick={() => { setCreating(true); }}>
            {t('keys.new')}
          </button>
        </div>
      </div>
      <ErrorBox error={keys.error ?? actionError} />
      <div className="table-wrap">
        <table className="responsive">
          <thead>
            <tr>
              <th>{t('keys.name')}</th>
              <th>{t('keys.prefix')}</th>
              <th>{t('keys.models')}</th>
              <th>{t('keys.limits')}</th>
              <th>{t('keys.expiresAt')}</th>
              <th>{t('keys.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((keyView) => (
              <tr key={keyView.id} data-key={keyView.name}>
                <td data-label={t('keys.name')}>
                  <strong>{keyView.name}</strong>
                  <div className="badges">
                    {keyView.source === 'config' && <Badge>{t('channels.fromConfig')}</Badge>}
                    {keyView.debug && <Badge tone="info">debug</Badge>}
                  </div>
                </td>
                <td data-label={t('keys.prefix')}>
                  <code>{keyView.prefix}…</code>
                </td>
                <td data-label={t('keys.models')}>
                  <div className="badges">
                    {keyView.models.map((model) => (
                      <Badge key={model}>{model}</Badge>
                    ))}
                  </div>
                </td>
                <td data-label={t('keys.limits')}>
                  <Limits keyView={keyView} />
                </td>
                <td data-label={t('keys.expiresAt')} className="nowrap">{keyView.expires_at === null ? <span className="muted">{t('keys.never')}</span> : formatTime(keyView.expires_at)}</td>
                <td data-label={t('keys.status')}>
                  <KeyStatus keyView={keyView} now={keys.loadedAt} />
                </td>
                <td className="nowrap">
                  {keyView.enabled ? (
                    <button
                      type="button"
                      className="button small danger"
                      onClick={() => {
                        if (window.confirm(t('keys.confirmRevoke', { name: keyView.name }))) act(() => updateKey(keyView.id, { enabled: false }));
                      }}
                    >
                      {t('keys.revoke')}
                    </button>
                  ) : (
                    <>
                      <button type="button" className="button small" onClick={() => { act(() => updateKey(keyView.id, { enabled: true })); }}>
                        {t('keys.enable')}
                      </button>{' '}
                      {keyView.source !== 'config' && (
                        <button
                          type="button"
                          className="button small danger"
                          onClick={() => {
                            if (window.confirm(t('keys.confirmDelete', { name: keyView.name }))) act(() => deleteKey(keyView.id));
                          }}
                        >
                          {t('common.delete')}
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!keys.loading && list.length === 0 && <div className="empty">{t('keys.none')}</div>}
      </div>
      {creating && (
        <Dialog
          title={t('keys.new')}
          onClose={() => {
            setCreating(false);
          }}
        >
          <KeyForm
            onCreated={(key) => {
              setCreating(false);
              setCreated(key);
              keys.reload();
            }}
            onCancel={() => {
              setCreating(false);
            }}
          />
        </Dialog>
      )}
      {created !== undefined && (
        <Dialog
          title={t('keys.createdTitle', { name: created.name })}
          onClose={() => {
            setCreated(undefined);
          }}
        >
          <NewKeyNotice
            created={created}
            onClose={() => {
              setCreated(undefined);
            }}
          />
        </Dialog>
      )}
    </>
  );
}
