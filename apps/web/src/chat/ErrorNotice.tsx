import { useTranslation } from "react-i18next";

/** Why an answer failed, in the user's language, with the server's detail for support. */
export function ErrorNotice({ code, detail }: { code?: string | null; detail?: string | null }) {
  const { t } = useTranslation();
  const known = code ? (t(`errors.job.${code}`, { defaultValue: "" }) as string) : "";
  return (
    <div className="notice notice--error" role="alert">
      <strong>{t("chat.failedTitle")}</strong>
      <span>{known || t("errors.job.unknown")}</span>
      {detail ? <small className="notice__detail">{detail}</small> : null}
    </div>
  );
}
