import { useCallback, useSyncExternalStore } from "react";

export type Theme = "light" | "dark";

const STORAGE_KEY = "aira.theme";
const listeners = new Set<() => void>();

function systemTheme(): Theme {
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function storedTheme(): Theme | null {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === "light" || value === "dark" ? value : null;
}

function currentTheme(): Theme {
  return storedTheme() ?? systemTheme();
}

/** Puts the theme on <html> so CSS variables switch; called before the first render. */
export function applyTheme(): void {
  document.documentElement.dataset.theme = currentTheme();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = window.matchMedia("(prefers-color-scheme: dark)");
  const onSystemChange = () => {
    applyTheme();
    listener();
  };
  media.addEventListener("change", onSystemChange);
  return () => {
    listeners.delete(listener);
    media.removeEventListener("change", onSystemChange);
  };
}

/** The theme (the user's choice, else the system's) and a toggle that remembers the choice. */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const theme = useSyncExternalStore(subscribe, currentTheme);
  const toggle = useCallback(() => {
    localStorage.setItem(STORAGE_KEY, currentTheme() === "dark" ? "light" : "dark");
    applyTheme();
    for (const listener of listeners) listener();
  }, []);
  return { theme, toggle };
}
