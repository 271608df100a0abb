// An error as Sluice gave it: its words, the hint of what to change, the code and the request id.
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { useT } from '../i18n/i18n.tsx';

export function ErrorBox({ error }: { error: unknown }): ReactNode {
  const t = useT();
  if (error === undefined || error === null) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return (
    <div className="error-box" role="alert">
      <div className="error-message">{message}</div>
      {apiError?.hint !== undefined && (
        <div className="error-hint">
          <strong>{t('error.hint')}</strong> {apiError.hint}
        </div>
      )}
      {apiError !== undefined && (
        <div className="error-meta">
          HTTP {apiError.status}
          {apiError.code !== undefined && <> · <code>{apiError.code}</code></>}
          {apiError.requestId !== undefined && <> · <code>{apiError.requestId}</code></>}
        </div>
      )}
    </div>
  );
}
