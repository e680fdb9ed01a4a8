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

// setTimeout cannot wait longer than about 24.8 days.
const MAX_TIMER_MS = 2 ** 31 - 1;

const listeners = new Set<() => void>();
let lastReason: LogoutReason | null = null;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
let current: Session | null = read();
scheduleExpiry();

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

/** Ends the session when its token expires, so an idle tab returns to the login screen. */
function scheduleExpiry(): void {
  clearTimeout(expiryTimer);
  if (!current) return;
  expiryTimer = setTimeout(() => clear("expired"), Math.min(current.expiresAt - Date.now(), MAX_TIMER_MS));
}

function emit(): void {
  for (const listener of listeners) listener();
}

function clear(reason: LogoutReason): void {
  if (!current) return;
  current = null;
  lastReason = reason;
  clearTimeout(expiryTimer);
  localStorage.removeItem(STORAGE_KEY);
  emit();
}

export const tokenStore = {
  getToken: (): string | null => (current && current.expiresAt > Date.now() ? current.token : null),

  set: (token: string, expiresInSeconds: number): void => {
    current = { token, expiresAt: Date.now() + expiresInSeconds * 1000 };
    lastReason = null;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(current));
    scheduleExpiry();
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
