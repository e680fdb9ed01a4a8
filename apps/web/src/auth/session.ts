import { useQuery } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";

import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import type { User } from "../api/types";
import i18n, { isLanguage } from "../i18n";
import { tokenStore } from "./tokenStore";

/** True while a bearer token is held; re-renders on login, logout and expiry. */
export function useIsLoggedIn(): boolean {
  return useSyncExternalStore(tokenStore.subscribe, () => tokenStore.getToken() !== null);
}

export async function logIn(email: string, password: string): Promise<void> {
  const token = await unwrap(
    api.POST("/api/auth/token", {
      body: { username: email, password, scope: "" },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }),
  );
  tokenStore.set(token.access_token, token.expires_in);
}

/** The signed-in user's profile; its language becomes the app's, as on their other devices. */
export async function loadProfile(): Promise<User> {
  const user = await unwrap(api.GET("/api/users/me"));
  if (isLanguage(user.locale)) await i18n.changeLanguage(user.locale);
  return user;
}

export async function register(email: string, password: string, displayName: string): Promise<void> {
  await unwrap(
    api.POST("/api/auth/register", {
      body: { email, password, display_name: displayName },
    }),
  );
  await logIn(email, password);
}

export function useLogOut(): () => void {
  return useCallback(() => tokenStore.clear("user"), []);
}

export function useMe() {
  const loggedIn = useIsLoggedIn();
  return useQuery<User>({
    queryKey: queryKeys.me,
    queryFn: () => unwrap(api.GET("/api/users/me")),
    enabled: loggedIn,
    staleTime: 60_000,
  });
}
