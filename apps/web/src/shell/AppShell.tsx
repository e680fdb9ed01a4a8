import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";

import { useLogOut, useMe } from "../auth/session";
import { LogoutIcon } from "../ui/icons";
import { OfflineBanner } from "./OfflineBanner";
import { PreferenceButtons } from "./PreferenceButtons";

/** The frame around every signed-in screen: skip link, header, offline banner, page. */
export function AppShell() {
  const { t } = useTranslation();
  const logOut = useLogOut();
  const me = useMe();

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        {t("shell.skipToContent")}
      </a>
      <header className="shell__header">
        <NavLink to="/chat" className="brand" aria-label={t("shell.home")}>
          <span className="brand__mark" aria-hidden="true">
            ✦
          </span>
          <span className="brand__name">Aira</span>
        </NavLink>
        <nav className="shell__nav" aria-label={t("shell.navigation")}>
          <NavLink to="/chat">{t("shell.chat")}</NavLink>
          <NavLink to="/stories">{t("shell.stories")}</NavLink>
          <NavLink to="/profile">{t("shell.profile")}</NavLink>
          {me.data?.is_admin ? <NavLink to="/console">{t("shell.console")}</NavLink> : null}
        </nav>
        <div className="shell__actions">
          <PreferenceButtons />
          <button type="button" className="icon-button shell__logout" onClick={logOut} aria-label={t("shell.logout")}>
            <LogoutIcon />
            <span className="shell__logout-label">{t("shell.logout")}</span>
          </button>
        </div>
      </header>
      <OfflineBanner />
      <div id="main" className="shell__content" tabIndex={-1}>
        <Suspense fallback={<p className="page muted">{t("common.loading")}</p>}>
          <Outlet />
        </Suspense>
      </div>
    </div>
  );
}
