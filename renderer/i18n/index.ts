import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'xiangyi.language';

type Messages = { [key: string]: string | Messages };

/**
 * A feature (or a part of one, e.g. `referrals/inbox`) may keep its own messages beside its
 * code, in `<feature>/i18n/zh-CN.json` and `en.json`; they are laid over the shared files here.
 */
const FEATURE_MESSAGES = Object.fromEntries(
  Object.entries(import.meta.glob<Messages>('../**/i18n/*.json', { eager: true, import: 'default' })).filter(
    ([path]) => !path.startsWith('../i18n/'),
  ),
);

export function mergeMessages(target: Messages, source: Messages): Messages {
  const merged: Messages = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const existing = merged[key];
    merged[key] =
      typeof value === 'object' && typeof existing === 'object' ? mergeMessages(existing, value) : value;
  }
  return merged;
}

export function messagesFor(language: Language): Messages {
  const base = (language === 'en' ? en : zhCN) as Messages;
  return Object.entries(FEATURE_MESSAGES)
    .filter(([path]) => path.endsWith(`/${language}.json`))
    .reduce((all, [, messages]) => mergeMessages(all, messages), base);
}

export function savedLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return LANGUAGES.includes(saved as Language) ? (saved as Language) : 'zh-CN';
}

export async function setupI18n(): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: messagesFor('zh-CN') }, en: { translation: messagesFor('en') } },
    lng: savedLanguage(),
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}

export async function changeLanguage(language: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, language);
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
