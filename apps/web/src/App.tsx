import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, useEffect } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";

import { LoginPage } from "./auth/LoginPage";
import { RegisterPage } from "./auth/RegisterPage";
import { RedirectIfLoggedIn, RequireAuth } from "./auth/RequireAuth";
import { tokenStore } from "./auth/tokenStore";
import { AppShell } from "./shell/AppShell";

// Signed-in screens load on first use, so the login page comes up fast on a phone.
const ChatPage = lazy(() => import("./chat/ChatPage").then((m) => ({ default: m.ChatPage })));
const ProfilePage = lazy(() => import("./profile/ProfilePage").then((m) => ({ default: m.ProfilePage })));
const StoriesPage = lazy(() => import("./stories/StoriesPage").then((m) => ({ default: m.StoriesPage })));
const ConsolePage = lazy(() => import("./console/ConsolePage").then((m) => ({ default: m.ConsolePage })));
const StoryPage = lazy(() => import("./stories/StoryPage").then((m) => ({ default: m.StoryPage })));

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<RedirectIfLoggedIn />}>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/register" element={<RegisterPage />} />
      </Route>
      <Route element={<RequireAuth />}>
        <Route element={<AppShell />}>
          <Route path="/welcome" element={<ProfilePage onboarding />} />
          <Route path="/profile" element={<ProfilePage />} />
          <Route path="/chat/:conversationId?" element={<ChatPage />} />
          <Route path="/stories" element={<StoriesPage />} />
          <Route path="/stories/:storyId" element={<StoryPage />} />
          <Route path="/console" element={<ConsolePage />} />
        </Route>
      </Route>
      <Route path="*" element={<Navigate to="/chat" replace />} />
    </Routes>
  );
}

/** Forgets every cached answer when a session ends (logout or expiry), so the next person to
 * log in on this browser never sees the previous one's data. */
function useForgetOnLogout(queryClient: QueryClient): void {
  useEffect(
    () =>
      tokenStore.subscribe(() => {
        if (tokenStore.getToken() === null) queryClient.clear();
      }),
    [queryClient],
  );
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  useForgetOnLogout(queryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
