// Sign in with the admin key (`admin_key` in the config). The key is checked against the admin API
// before it is kept, so a typo is told at once rather than on the next page.
import { useState, type ReactNode } from 'react';
import { adminRequest, ApiError } from '../api/client.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { useT, type Language } from '../i18n/i18n.tsx';
import type { Theme } from '../lib/preferences.ts';
import { saveAdminKey } from '../lib/session.ts';

interface SignInProps {
  onSignedIn: () => void;
  language: Language;
  setLanguage: (language: Language) => void;
  theme: Theme;
  setTheme: (theme: Theme) => void;
}

export function SignInPage({ onSignedIn, language, setLanguage, theme, setTheme }: SignInProps): ReactNode {
  const t = useT();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await adminRequest('/channels', { adminKey: key.trim() });
      saveAdminKey(key.trim());
      onSignedIn();
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 401) setError(new Error(t('signIn.wrongKey')));
      else if (reason instanceof ApiError && reason.status === 404) setError(new ApiError(404, t('signIn.adminOff'), { hint: t('signIn.adminOffHint') }));
      else setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <form
        className="card sign-in-card"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="brand large">
          <span className="brand-mark" aria-hidden="true" />
          Sluice
        </div>
        <p className="muted">{t('signIn.intro')}</p>
        <label className="field">
          <span>{t('signIn.adminKey')}</span>
          <input type="password" name="admin-key" autoComplete="current-password" autoFocus value={key} onChange={(event) => { setKey(event.target.value); }} required />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="button primary" disabled={busy || key.trim() === ''}>
          {busy ? t('common.working') : t('signIn.submit')}
        </button>
        <div className="sign-in-tools">
          <select className="compact" aria-label={t('nav.language')} value={language} onChange={(event) => { setLanguage(event.target.value === 'zh' ? 'zh' : 'en'); }}>
            <option value="en">English</option>
            <option value="zh">简体中文</option>
          </select>
          <button type="button" className="button ghost" aria-label={t('nav.theme')} onClick={() => { setTheme(theme === 'dark' ? 'light' : 'dark'); }}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </form>
    </div>
  );
}
