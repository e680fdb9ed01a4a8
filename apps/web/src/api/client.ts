import createClient, { type Middleware } from "openapi-fetch";

import { tokenStore } from "../auth/tokenStore";
import type { paths } from "./schema";

/** Adds the bearer token, and ends the session when the API no longer accepts it. */
const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = tokenStore.getToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    const isLogin = new URL(request.url).pathname === "/api/auth/token";
    if (response.status === 401 && !isLogin) tokenStore.clear("expired");
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: window.location.origin,
  // Looked up on each call so tests and the browser's own fetch are always the current one.
  fetch: (request) => globalThis.fetch(request),
});
api.use(authMiddleware);

/** Headers for requests made outside the typed client (the event streams). */
export function authHeaders(): Record<string, string> {
  const token = tokenStore.getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}
