import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";

import { useMe } from "../auth/session";
import { currentLanguage } from "../i18n";
import { useErrorMessage } from "../ui/useErrorMessage";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { ProfileForm } from "./ProfileForm";

/** The profile, either as the first-run welcome (`onboarding`) or the settings page. */
export function ProfilePage({ onboarding = false }: { onboarding?: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe();
  const errorMessage = useErrorMessage();
  useDocumentTitle(onboarding ? t("profile.welcomeTitle") : t("profile.title"));

  return (
    <main className="page page--narrow" aria-labelledby="profile-title">
      <h1 id="profile-title" className="page__title">
        {onboarding ? t("profile.welcomeTitle") : t("profile.title")}
      </h1>
      <p className="page__lead">{onboarding ? t("profile.welcomeLead") : t("profile.lead")}</p>
      {me.isError ? (
        <p className="notice notice--error" role="alert">
          {errorMessage(me.error)}
        </p>
      ) : null}
      {me.isPending ? <p>{t("common.loading")}</p> : null}
      {me.data ? (
        <ProfileForm
          key={me.data.id}
          // A new account's language is the one the app is showing, not the server's default.
          user={onboarding ? { ...me.data, locale: currentLanguage() } : me.data}
          submitLabel={onboarding ? t("profile.start") : t("common.save")}
          onSaved={onboarding ? () => void navigate("/chat", { replace: true }) : undefined}
        />
      ) : null}
      {onboarding ? (
        <p className="page__skip">
          <Link to="/chat">{t("profile.skip")}</Link>
        </p>
      ) : null}
    </main>
  );
}
