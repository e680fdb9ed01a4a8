import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { queryKeys } from "../api/queryKeys";

/** Says plainly when answers come from the offline responder rather than a language model. */
export function OfflineBanner() {
  const { t } = useTranslation();
  const meta = useQuery({
    queryKey: queryKeys.meta,
    queryFn: () => unwrap(api.GET("/api/meta")),
    staleTime: 5 * 60_000,
  });
  if (!meta.data?.offline) return null;
  return (
    <div className="offline-banner" role="status">
      <strong>{t("shell.offlineTitle")}</strong> {t("shell.offlineBody")}
    </div>
  );
}
