// The console's shell: sign-in gate, navigation, language and theme, and the page for the path.
import { useEffect, useState, type ReactNode } from 'react';
import { onSignedOut, signOut } from './api/client.ts';
import { LanguageProvider, useT, type Language, type MessageKey } from './i18n/i18n.tsx';
import { useLanguagePreference, useTheme, type Theme } from './lib/preferences.ts';
import { href, navigate, usePath } from './lib/router.ts';
import { readAdminKey } from './lib/session.ts';
import { AlertsPage } from './pages/alerts.tsx';
import { ChannelsPage } from './pages/channels.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { KeysPage } from './pages/keys.tsx';
import { LogDetailPage } from './pages/log-detail.tsx';
import { LogsPage } from './pages/logs.tsx';
import { PlaygroundPage } from './pages/playground.tsx';
import { SignInPage } from './pages/sign-in.tsx';

const pages: readonly { path: string; label: MessageKey }[] = [
  { path: '/', label: 'nav.dashboard' },
  { path: '/channels', label: 'nav.channels' },
  { path: '/keys', label: 'nav.keys' },
  { path: '/logs', label: 'nav.logs' },
  { path: '/playground', label: 'nav.playground' },
  { path: '/alerts', label: 'nav.alerts' },
];

function isActive(current: string, path: string): boolean {
  return path === '/' ? current === '/' : current === path || current.startsWith(`${path}/`);
}

function Page({ path }: { path: string }): ReactNode {
  if (path === '/channels') return <ChannelsPage />;
  if (path === '/keys') return <KeysPage />;
  if (path === '/logs') return <LogsPage />;
  if (path.startsWith('/logs/')) return <LogDetailPage requestId={decodeURIComponent(path.slice('/logs/'.length))} />;
  if (path === '/playground') return <PlaygroundPage />;
  if (path === '/alerts') return <AlertsPage />;
  return <DashboardPage />;
}

interface ShellProps {
  theme: Theme;
  setTheme: (theme: Theme) => void;
  language: Language;
  setLanguage: (language: Language) => void;
}

function Shell({ theme, setTheme, language, setLanguage }: ShellProps): ReactNode {
  const t = useT();
  const path = usePath();
  useEffect(() => {
    const page = pages.find((entry) => isActive(path, entry.path));
    document.title = `${page === undefined ? '' : `${t(page.label)} · `}Sluice`;
  }, [path, t]);
  return (
    <div className="shell">
      <header className="topbar">
        <a
          className="brand"
          href={href('/')}
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          <span className="brand-mark" aria-hidden="true" />
          Sluice
        </a>
        <nav className="nav" aria-label={t('nav.label')}>
          {pages.map((page) => (
            <a
              key={page.path}
              href={href(page.path)}
              className={isActive(path, page.path) ? 'nav-link active' : 'nav-link'}
              aria-current={isActive(path, page.path) ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(page.path);
              }}
            >
              {t(page.label)}
            </a>
          ))}
        </nav>
        <div className="topbar-tools">
          <select className="compact" aria-label={t('nav.language')} value={language} onChange={(event) => { setLanguage(event.target.value === 'zh' ? 'zh' : 'en'); }}>
            <option value="en">English</option>
            <option value="zh">简体中文</option>
          </select>
          <button type="button" className="button ghost" aria-label={t('nav.theme')} title={t('nav.theme')} onClick={() => { setTheme(theme === 'dark' ? 'light' : 'dark'); }}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <button type="button" className="button ghost" onClick={signOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main className="main">
        <Page path={path} />
      </main>
    </div>
  );
}

export function App(): ReactNode {
  const [theme, setTheme] = useTheme();
  const [language, setLanguage] = useLanguagePreference();
  const [signedIn, setSignedIn] = useState(() => readAdminKey() !== undefined);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  }, [language]);
  useEffect(
    () =>
      onSignedOut(() => {
        setSignedIn(false);
      }),
    [],
  );
  return (
    <LanguageProvider language={language}>
      {signedIn ? (
        <Shell theme={theme} setTheme={setTheme} language={language} setLanguage={setLanguage} />
      ) : (
        <SignInPage
          onSignedIn={() => {
            setSignedIn(true);
          }}
          language={language}
          setLanguage={setLanguage}
          theme={theme}
          setTheme={setTheme}
        />
      )}
    </LanguageProvider>
  );
}
