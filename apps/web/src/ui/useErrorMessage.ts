import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import { isApiError } from "../api/errors";

/** A sentence for the user about a failed request, in their language. */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown) => {
      if (!isApiError(error)) return t("errors.network");
      if (error.status === 401) return t("errors.sessionExpired");
      if (error.status === 404) return t("errors.notFound");
      if (error.status === 422) return t("errors.invalid");
      if (error.status === 429) return t("errors.tooMany");
      if (error.status >= 500) return t("errors.server");
      return typeof error.detail === "string" ? error.detail : t("errors.invalid");
    },
    [t],
  );
}
