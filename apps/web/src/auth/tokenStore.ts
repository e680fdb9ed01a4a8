/**
 * The bearer token, kept in localStorage so a reload stays logged in. Subscribers hear about
 * every change, including a token dropped because the API said it expired.
 */

const STORAGE_KEY = "aira.session";

export type LogoutReason = "user" | "expired";

interface Session {
  token: string;
  expiresAt: number;
}

const listeners = new Set<() => void>();
let lastReason: LogoutReason | null = null;
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

function clear(reason: LogoutReason): void {
  if (!current) return;
  current = null;
  lastReason = reason;
  localStorage.removeItem(STORAGE_KEY);
  emit();
}

export const tokenStore = {
  getToken: (): string | null => {
    if (current && current.expiresAt <= Date.now()) clear("expired");
    return current?.token ?? null;
  },

  set: (token: string, expiresInSeconds: number): void => {
    current = { token, expiresAt: Date.now() + expiresInSeconds * 1000 };
    lastReason = null;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(current));
    emit();
  },

  clear,

  /** Why the last session ended, so the login screen can say "your session expired". */
  lastLogoutReason: (): LogoutReason | null => lastReason,

  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
