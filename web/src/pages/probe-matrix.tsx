// What a probe found, one row per model: did the call work non-stream, stream, and stream with
// `stream_options`, what the config says, what Sluice learned, and the capabilities that result.
// Where a call failed, the upstream's own words are shown under the row.
import { Fragment, type ReactNode } from 'react';
import type { CapabilityHints, ProbeCheck, ProbeResult } from '../api/types.ts';
import { Check } from '../components/badge.tsx';
import { useT } from '../i18n/i18n.tsx';

export function describeHints(hints: CapabilityHints): string {
  const parts: string[] = [];
  if (hints.stream !== undefined) parts.push(`stream: ${hints.stream}`);
  if (hints.stream_options !== undefined) parts.push(`stream_options: ${String(hints.stream_options)}`);
  if (hints.drop_fields !== undefined && hints.drop_fields.length > 0) parts.push(`drop: ${hints.drop_fields.join(', ')}`);
  return parts.length === 0 ? '–' : parts.join(' · ');
}

function CheckCell({ check }: { check: ProbeCheck }): ReactNode {
  const t = useT();
  return (
    <td>
      <Check value={check.ok} yes={t('probe.worked')} no={t('probe.failed')} />
      {check.status !== undefined && check.status !== null && <span className="muted"> {check.status}</span>}
    </td>
  );
}

export function ProbeMatrix({ result }: { result: ProbeResult }): ReactNode {
  const t = useT();
  if (result.models.length === 0) return <div className="empty">{t('probe.noModels')}</div>;
  return (
    <div className="table-wrap">
      <table className="matrix" data-testid="probe-matrix">
        <thead>
          <tr>
            <th>{t('common.model')}</th>
            <th>{t('probe.nonStream')}</th>
            <th>{t('probe.stream')}</th>
            <th>stream_options</th>
            <th>{t('probe.configured')}</th>
            <th>{t('probe.learned')}</th>
            <th>{t('probe.resulting')}</th>
          </tr>
        </thead>
        <tbody>
          {result.models.map((row) => {
            const failures = (
              [
                ['non-stream', row.non_stream],
                ['stream', row.stream],
                ['stream_options', row.stream_options],
              ] as const
            ).filter(([, check]) => !check.ok && check.error !== undefined && check.error !== null && check.error !== '');
            return (
              <Fragment key={row.model}>
                <tr>
                  <td>
                    <code>{row.model}</code>
                  </td>
                  <CheckCell check={row.non_stream} />
                  <CheckCell check={row.stream} />
                  <CheckCell check={row.stream_options} />
                  <td className="mono">{describeHints(row.configured)}</td>
                  <td className="mono">{describeHints(row.learned)}</td>
                  <td className="mono">
                    <strong>{describeHints(row.resulting)}</strong>
                  </td>
                </tr>
                {failures.length > 0 && (
                  <tr>
                    <td colSpan={7} className="error-text">
                      {failures.map(([mode, check]) => (
                        <div key={mode}>
                          <strong>{mode}:</strong> {check.error}
                        </div>
                      ))}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
