import { useTranslation } from "react-i18next";

import type { JobStatus } from "../api/types";

export function StatusBadge({ status }: { status: JobStatus }) {
  const { t } = useTranslation();
  return <span className={`badge badge--${status}`}>{t(`status.${status}`)}</span>;
}
