// How much of a limit is used: a bar that turns amber past 75% and red past 90%.
import type { ReactNode } from 'react';
import { formatCount } from '../lib/format.ts';

export function UsageBar({ used, limit, label }: { used: number; limit: number; label: string }): ReactNode {
  const ratio = limit > 0 ? Math.min(1, Math.max(0, used / limit)) : 0;
  const level = ratio >= 0.9 ? 'danger' : ratio >= 0.75 ? 'warn' : 'ok';
  return (
    <div className="usage" title={`${label}: ${formatCount(used)} / ${formatCount(limit)}`}>
      <div className="usage-label">
        <span>{label}</span>
        <span className="muted">
          {formatCount(used)} / {formatCount(limit)}
        </span>
      </div>
      <div className="usage-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={used}>
        <div className={`usage-fill ${level}`} style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}
