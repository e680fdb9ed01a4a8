import { type ComponentPropsWithoutRef, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { copyText } from "../ui/copyText";
import { CheckIcon, CopyIcon } from "../ui/icons";

/** A fenced code block with its language and a copy button. */
export function CodeBlock({ children, ...props }: ComponentPropsWithoutRef<"pre">) {
  const { t } = useTranslation();
  const pre = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState(false);
  const language = languageOf(children);

  async function copy() {
    if (!(await copyText(pre.current?.textContent ?? ""))) return;
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  }

  return (
    <div className="code-block">
      <div className="code-block__bar">
        <span className="code-block__language">{language ?? t("markdown.code")}</span>
        <button
          type="button"
          className="code-block__copy"
          onClick={() => void copy()}
          aria-label={copied ? t("markdown.copied") : t("markdown.copyCode")}
        >
          {copied ? <CheckIcon /> : <CopyIcon />}
          <span>{copied ? t("markdown.copied") : t("markdown.copy")}</span>
        </button>
        <span className="visually-hidden" role="status">
          {copied ? t("markdown.copied") : ""}
        </span>
      </div>
      <pre ref={pre} {...props}>
        {children}
      </pre>
    </div>
  );
}

function languageOf(children: unknown): string | null {
  const className = (children as { props?: { className?: string } } | null)?.props?.className ?? "";
  return /language-([\w+#-]+)/.exec(className)?.[1] ?? null;
}
