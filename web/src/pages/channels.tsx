// Channels: what serves which models, in what order, how healthy each is, and what Sluice learned
// about it. Config channels are read-only here (edit sluice.yaml); API channels can be changed.
import { useState, type ReactNode } from 'react';
import { deleteChannel, forgetCapability, listChannels, probeChannel } from '../api/admin.ts';
import type { BreakerState, ChannelView, CircuitView, LearnedHints, ProbeResult } from '../api/types.ts';
import { Badge, type Tone } from '../components/badge.tsx';
import { Dialog } from '../components/dialog.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { useT } from '../i18n/i18n.tsx';
import { formatTime } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';
import { ChannelForm } from './channel-form.tsx';
import { describeHints, ProbeMatrix } from './probe-matrix.tsx';

function breakerTone(state: BreakerState): Tone {
  if (state === 'open') return 'danger';
  if (state === 'closed') return 'ok';
  return 'warn';
}

const breakerLabels = { closed: 'breaker.closed', open: 'breaker.open', 'half-open': 'breaker.halfOpen' } as const;

function Circuits({ circuits, enabled }: { circuits: readonly CircuitView[]; enabled: boolean }): ReactNode {
  const t = useT();
  if (!enabled) return <Badge tone="warn">{t('channels.disabled')}</Badge>;
  const troubled = circuits.filter((circuit) => circuit.state !== 'closed' || circuit.failures > 0);
  if (troubled.length === 0) return <Badge tone="ok">{t('channels.healthy')}</Badge>;
  return (
    <div className="badges">
      {troubled.map((circuit) => (
        <Badge key={circuit.model} tone={breakerTone(circuit.state)} title={t('channels.failures', { count: circuit.failures })}>
          {circuit.model}: {t(breakerLabels[circuit.state])}
          {circuit.state === 'closed' ? ` (${circuit.failures}✗)` : ''}
        </Badge>
      ))}
    </div>
  );
}

function Learned({ learned, onForget }: { learned: readonly LearnedHints[]; onForget: (model: string) => void }): ReactNode {
  const t = useT();
  if (learned.length === 0) return <span className="muted">–</span>;
  return (
    <div className="badges">
      {learned.map((entry) => (
        <span key={entry.model} className="badge info" title={`${t('detail.evidence')}: ${entry.evidence}\n${t('channels.learnedAt')} ${formatTime(entry.learned_at)}`}>
          {entry.model}: {describeHints(entry)}{' '}
          <button type="button" className="button ghost small" aria-label={`${t('channels.forget')} ${entry.model}`} title={t('channels.forget')} onClick={() => { onForget(entry.model); }}>
            ✕
          </button>
        </span>
      ))}
    </div>
  );
}

type Panel = { kind: 'create' } | { kind: 'edit'; channel: ChannelView } | { kind: 'probe'; channel: ChannelView };

function ProbePanel({ channel }: { channel: ChannelView }): ReactNode {
  const t = useT();
  const probe = useResource<ProbeResult>(() => probeChannel(channel.name), [channel.name]);
  return (
    <div>
      <p className="muted">{t('probe.explain')}</p>
      {probe.loading && <div className="empty">{t('probe.running')}</div>}
      <ErrorBox error={probe.error} />
      {!probe.loading && probe.data !== undefined && <ProbeMatrix result={probe.data} />}
    </div>
  );
}

export function ChannelsPage(): ReactNode {
  const t = useT();
  const channels = useResource((signal) => listChannels(signal), [], 15_000);
  const [panel, setPanel] = useState<Panel | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const close = (): void => {
    setPanel(undefined);
  };
  const act = (action: () => Promise<unknown>): void => {
    setActionError(undefined);
    action().then(channels.reload, setActionError);
  };
  const list = channels.data ?? [];

  return (
    <>
      <div className="page-header">
        <h1>{t('nav.channels')}</h1>
        <div className="actions">
          <button type="button" className="button primary" onClick={() => { setPanel({ kind: 'create' }); }}>
            {t('channels.new')}
          </button>
        </div>
      </div>
      <ErrorBox error={channels.error ?? actionError} />
      <div className="table-wrap">
        <table className="responsive">
          <thead>
            <tr>
              <th>{t('channels.name')}</th>
              <th>{t('channels.type')}</th>
              <th>{t('channels.models')}</th>
              <th className="num">{t('channels.priorityWeight')}</th>
              <th>{t('channels.health')}</th>
              <th>{t('channels.learned')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((channel) => {
              const health = channel.health ?? { circuits: [], refused_keys: [], learned: [] };
              const readOnly = channel.source === 'config';
              return (
                <tr key={channel.name} data-channel={channel.name}>
                  <td data-label={t('channels.name')}>
                    <strong>{channel.name}</strong>
                    <div className="badges">
                      {readOnly ? (
                        <Badge title={t('channels.configHelp')}>{t('channels.fromConfig')}</Badge>
                      ) : (
                        <Badge tone="info">{t('channels.fromApi')}</Badge>
                      )}
                      {channel.debug === true && <Badge tone="info">debug</Badge>}
                      {channel.prefer_stream === true && <Badge>prefer_stream</Badge>}
                      {health.refused_keys.length > 0 && (
                        <Badge tone="danger" title={health.refused_keys.map((key) => `${key.key}: ${key.reason}`).join('\n')}>
                          {t('channels.refusedKeys', { count: health.refused_keys.length })}
                        </Badge>
                      )}
                    </div>
                    {(channel.problems ?? []).length > 0 && <div className="error-message">{(channel.problems ?? []).join('; ')}</div>}
                  </td>
                  <td data-label={t('channels.type')}>
                    {channel.type ?? '–'}
                    {channel.base_url !== undefined && channel.base_url !== null && <div className="muted mono">{channel.base_url}</div>}
                  </td>
                  <td data-label={t('channels.models')}>
                    <div className="badges">
                      {(channel.models ?? []).map((model) => (
                        <Badge key={model}>{model}</Badge>
                      ))}
                    </div>
                  </td>
                  <td data-label={t('channels.priorityWeight')} className="num nowrap">
                    {channel.priority ?? 0} / {channel.weight ?? 1}
                  </td>
                  <td data-label={t('channels.health')}>
                    <Circuits circuits={health.circuits} enabled={channel.enabled} />
                  </td>
                  <td data-label={t('channels.learned')}>
                    <Learned learned={health.learned} onForget={(model) => { act(() => forgetCapability(channel.name, model)); }} />
                  </td>
                  <td className="nowrap">
                    <button type="button" className="button small" onClick={() => { setPanel({ kind: 'probe', channel }); }}>
                      {t('channels.probe')}
                    </button>{' '}
                    {!readOnly && (
                      <>
                        <button type="button" className="button small" onClick={() => { setPanel({ kind: 'edit', channel }); }}>
                          {t('common.edit')}
                        </button>{' '}
                        <button
                          type="button"
                          className="button small danger"
                          onClick={() => {
                            if (window.confirm(t('channels.confirmDelete', { name: channel.name }))) act(() => deleteChannel(channel.name));
                          }}
                        >
                          {t('common.delete')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {!channels.loading && list.length === 0 && <div className="empty">{t('channels.none')}</div>}
      </div>
      {panel?.kind === 'create' && (
        <Dialog title={t('channels.new')} onClose={close}>
          <ChannelForm
            onSaved={() => {
              close();
              channels.reload();
            }}
            onCancel={close}
          />
        </Dialog>
      )}
      {panel?.kind === 'edit' && (
        <Dialog title={t('channels.editTitle', { name: panel.channel.name })} onClose={close}>
          <ChannelForm
            channel={panel.channel}
            onSaved={() => {
              close();
              channels.reload();
            }}
            onCancel={close}
          />
        </Dialog>
      )}
      {panel?.kind === 'probe' && (
        <Dialog
          wide
          title={t('probe.title', { name: panel.channel.name })}
          onClose={() => {
            close();
            channels.reload();
          }}
        >
          <ProbePanel channel={panel.channel} />
        </Dialog>
      )}
    </>
  );
}
