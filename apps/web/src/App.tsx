import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";

import { LoginPage } from "./auth/LoginPage";
import { RegisterPage } from "./auth/RegisterPage";
import { RedirectIfLoggedIn, RequireAuth } from "./auth/RequireAuth";
import { ChatPage } from "./chat/ChatPage";
import { ProfilePage } from "./profile/ProfilePage";
import { AppShell } from "./shell/AppShell";
import { StoriesPage } from "./stories/StoriesPage";
import { StoryPage } from "./stories/StoryPage";

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
        </Route>
      </Route>
      <Route path="*" element={<Navigate to="/chat" replace />} />
    </Routes>
  );
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
