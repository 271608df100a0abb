// The alerts of the config's rules (docs/alerts.md), from GET /admin/api/alerts: firing ones first,
// then the resolved ones this instance still holds, refreshed every few seconds.
import type { ReactNode } from 'react';
import { listAlerts } from '../api/admin.ts';
import type { AlertView } from '../api/types.ts';
import { Badge } from '../components/badge.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { useT, type MessageKey } from '../i18n/i18n.tsx';
import { formatTime } from '../lib/format.ts';
import { useResource } from '../lib/use-resource.ts';

const refreshMs = 5000;

const subjectLabels: Record<AlertView['subject'], MessageKey> = {
  channel: 'alerts.subject.channel',
  model: 'alerts.subject.model',
  key: 'alerts.subject.key',
  shared_state: 'alerts.subject.sharedState',
};

function AlertTable({ alerts, caption }: { alerts: AlertView[]; caption: string }): ReactNode {
  const t = useT();
  return (
    <div className="table-wrap">
      <table className="responsive dense" data-testid={`alerts-${caption}`}>
        <thead>
          <tr>
            <th>{t('alerts.state')}</th>
            <th>{t('alerts.rule')}</th>
            <th>{t('alerts.subject')}</th>
            <th>{t('alerts.summary')}</th>
            <th>{t('alerts.firedAt')}</th>
            <th>{t('alerts.changedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={`${alert.rule}\u0000${alert.name}`} data-alert-rule={alert.rule} data-alert-state={alert.state}>
              <td data-label={t('alerts.state')}>
                <Badge tone={alert.state === 'firing' ? 'danger' : 'ok'}>{t(alert.state === 'firing' ? 'alerts.firing' : 'alerts.resolved')}</Badge>
              </td>
              <td data-label={t('alerts.rule')}>
                {alert.rule}
                <div className="muted">{alert.kind}</div>
              </td>
              <td data-label={t('alerts.subject')}>
                <span className="muted">{t(subjectLabels[alert.subject])}</span> {alert.name}
              </td>
              <td data-label={t('alerts.summary')}>{alert.summary}</td>
              <td data-label={t('alerts.firedAt')} className="nowrap">{formatTime(alert.fired_at)}</td>
              <td data-label={t('alerts.changedAt')} className="nowrap">{formatTime(alert.changed_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AlertsPage(): ReactNode {
  const t = useT();
  const alerts = useResource((signal) => listAlerts(signal), [], refreshMs);
  const all = alerts.data ?? [];
  const firing = all.filter((alert) => alert.state === 'firing');
  const resolved = all.filter((alert) => alert.state === 'resolved');
  return (
    <>
      <div className="page-header">
        <h1>{t('nav.alerts')}</h1>
        <div className="actions">
          <button type="button" className="button" onClick={alerts.reload}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      <ErrorBox error={alerts.error} />
      <h2>{t('alerts.firingTitle', { count: firing.length })}</h2>
      {firing.length > 0 ? <AlertTable alerts={firing} caption="firing" /> : !alerts.loading && <div className="empty">{t('alerts.noneFiring')}</div>}
      <h2>{t('alerts.recentTitle')}</h2>
      {resolved.length > 0 ? <AlertTable alerts={resolved} caption="resolved" /> : !alerts.loading && <div className="empty">{t('alerts.noneResolved')}</div>}
      <p className="muted">{t('alerts.note')}</p>
    </>
  );
}
