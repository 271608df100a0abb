// Sign in with the admin key (`admin_key` in the config, or SLUICE_ADMIN_KEY without one). The key is
// checked against the admin API before it is kept, so a typo is told at once rather than on the
// next page. When the admin API is off (GET /admin/api/status, public), the page says so and how to
// turn it on before anyone types a key.
import { useEffect, useState, type ReactNode } from 'react';
import { readAdminStatus } from '../api/admin.ts';
import { adminRequest, ApiError } from '../api/client.ts';
import { CopyButton } from '../components/copy-button.tsx';
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
  const [adminStatus, setAdminStatus] = useState<'on' | 'off' | undefined>(undefined);

  useEffect(() => {
    let current = true;
    void readAdminStatus().then((status) => {
      if (current) setAdminStatus(status);
    });
    return () => {
      current = false;
    };
  }, []);

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
        {adminStatus === 'off' && <AdminOffNotice />}
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

/** The command that turns the admin API on with no config file (the embedded default reads SLUICE_ADMIN_KEY). */
const startWithAdminKey = 'SLUICE_ADMIN_KEY=$(openssl rand -hex 32) npm start';

function AdminOffNotice(): ReactNode {
  const t = useT();
  return (
    <div className="notice warn" role="status" data-testid="admin-off">
      <p style={{ margin: '0 0 6px' }}>
        <strong>{t('signIn.adminOff')}</strong> {t('signIn.adminOffNotice')}
      </p>
      <div className="muted">{t('signIn.adminOffNoConfig')}</div>
      <div style={{ display: 'flex', gap: 6, alignItems: 'center', margin: '4px 0 6px' }}>
        <code>{startWithAdminKey}</code>
        <CopyButton text={startWithAdminKey} />
      </div>
      <div className="muted">{t('signIn.adminOffWithConfig')}</div>
    </div>
  );
}
