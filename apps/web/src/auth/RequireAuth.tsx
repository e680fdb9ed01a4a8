import { Navigate, Outlet, useLocation } from "react-router";

import { useIsLoggedIn } from "./session";

/** Sends visitors without a session to the login page, and back here afterwards. */
export function RequireAuth() {
  const loggedIn = useIsLoggedIn();
  const location = useLocation();
  if (!loggedIn) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <Outlet />;
}

/** Signed-in users have nothing to do on the login and registration pages. */
export function RedirectIfLoggedIn() {
  const loggedIn = useIsLoggedIn();
  return loggedIn ? <Navigate to="/chat" replace /> : <Outlet />;
}
