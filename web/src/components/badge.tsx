import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'ok' | 'warn' | 'danger' | 'info';

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string | undefined }): ReactNode {
  return (
    <span className={`badge ${tone}`} title={title}>
      {children}
    </span>
  );
}

/** ✓ / ✗ / – for a yes-no fact, with words for screen readers. */
export function Check({ value, yes, no }: { value: boolean | undefined; yes: string; no: string }): ReactNode {
  if (value === undefined) return <span className="muted">–</span>;
  return (
    <span className={value ? 'check yes' : 'check no'} aria-label={value ? yes : no} title={value ? yes : no}>
      {value ? '✓' : '✗'}
    </span>
  );
}
