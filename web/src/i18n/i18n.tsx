// English and Simplified Chinese. English is the source of the message keys; the Chinese table must
// have every key (the type says so). `{name}` in a message is replaced by the value of `name`.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { en, type MessageKey } from './messages-en.ts';
import { zh } from './messages-zh.ts';

export type Language = 'en' | 'zh';

const tables: Record<Language, Record<MessageKey, string>> = { en, zh };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

function makeTranslate(language: Language): Translate {
  const table = tables[language];
  return (key, values) => {
    const text = table[key];
    if (values === undefined) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  };
}

const TranslateContext = createContext<{ t: Translate; language: Language }>({ t: makeTranslate('en'), language: 'en' });

export function LanguageProvider({ language, children }: { language: Language; children: ReactNode }): ReactNode {
  const value = useMemo(() => ({ t: makeTranslate(language), language }), [language]);
  return <TranslateContext value={value}>{children}</TranslateContext>;
}

export function useT(): Translate {
  return useContext(TranslateContext).t;
}

export function useLanguage(): Language {
  return useContext(TranslateContext).language;
}

export type { MessageKey };
