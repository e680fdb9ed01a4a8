import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import { queryKeys } from "../api/queryKeys";
import { useIsLoggedIn } from "../auth/session";
import i18n, { currentLanguage } from "../i18n";
import { useTheme } from "../theme/theme";
import { MoonIcon, SunIcon } from "../ui/icons";

/** Language and theme switches; a logged-in user's language is saved to their profile too. */
export function PreferenceButtons() {
  const { t } = useTranslation();
  const { theme, toggle } = useTheme();
  const loggedIn = useIsLoggedIn();
  const queryClient = useQueryClient();
  const other = currentLanguage() === "ko" ? "en" : "ko";

  async function switchLanguage() {
    await i18n.changeLanguage(other);
    if (!loggedIn) return;
    const { data } = await api.PATCH("/api/users/me", { body: { locale: other } });
    if (data) queryClient.setQueryData(queryKeys.me, data);
  }

  return (
    <div className="preferences">
      <button
        type="button"
        className="icon-button preferences__language"
        onClick={() => void switchLanguage()}
        aria-label={t("shell.switchLanguage")}
        lang={other}
      >
        {other === "en" ? "EN" : "한"}
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={toggle}
        aria-label={theme === "dark" ? t("shell.lightTheme") : t("shell.darkTheme")}
      >
        {theme === "dark" ? <SunIcon /> : <MoonIcon />}
      </button>
    </div>
  );
}
