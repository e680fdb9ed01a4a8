import i18n from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";

import en from "./en";
import ko from "./ko";

export const LANGUAGES = ["ko", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}

/** The language in use, always one the app has a catalogue for. */
export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : "ko";
}

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { ko: { translation: ko }, en: { translation: en } },
    supportedLngs: LANGUAGES,
    nonExplicitSupportedLngs: true,
    load: "languageOnly",
    // Korean unless the browser (or an earlier choice) says English.
    fallbackLng: "ko",
    detection: {
      order: ["localStorage", "navigator"],
      lookupLocalStorage: "aira.language",
      caches: ["localStorage"],
    },
    interpolation: { escapeValue: false },
    returnNull: false,
  });

function reflectLanguage(language: string): void {
  document.documentElement.lang = isLanguage(language) ? language : "ko";
}
reflectLanguage(currentLanguage());
i18n.on("languageChanged", reflectLanguage);

export default i18n;
