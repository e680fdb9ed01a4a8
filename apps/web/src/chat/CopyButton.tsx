import { useState } from "react";
import { useTranslation } from "react-i18next";

import { copyText } from "../ui/copyText";
import { CheckIcon, CopyIcon } from "../ui/icons";

/** Copies a whole answer's text. */
export function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);

  async function copy() {
    if (!(await copyText(text))) return;
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  }

  return (
    <button type="button" className="chip-button" onClick={() => void copy()}>
      {copied ? <CheckIcon /> : <CopyIcon />}
      {copied ? t("markdown.copied") : t("chat.copyAnswer")}
    </button>
  );
}
