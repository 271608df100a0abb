// Theme and language survive a reload (local storage); the admin key does not (session.ts).
import { useCallback, useState } from 'react';
import type { Language } from '../i18n/i18n.tsx';

export type Theme = 'light' | 'dark';

function readStored<T extends string>(item: string, allowed: readonly T[], fallback: T): T {
  try {
    const stored = localStorage.getItem(item);
    return allowed.find((value) => value === stored) ?? fallback;
  } catch {
    return fallback;
  }
}

function usePreference<T extends string>(item: string, allowed: readonly T[], fallback: () => T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => readStored(item, allowed, fallback()));
  const save = useCallback(
    (next: T) => {
      setValue(next);
      try {
        localStorage.setItem(item, next);
      } catch {
        // Storage can be off (private windows); the choice then lasts for this page only.
      }
    },
    [item],
  );
  return [value, save];
}

export function useTheme(): [Theme, (theme: Theme) => void] {
  return usePreference<Theme>('sluice.theme', ['light', 'dark'], () => (window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
}

export function useLanguagePreference(): [Language, (language: Language) => void] {
  return usePreference<Language>('sluice.language', ['en', 'zh'], () => (navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en'));
}
