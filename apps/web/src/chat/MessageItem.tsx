import { memo } from "react";
import { useTranslation } from "react-i18next";

import type { Message } from "../api/types";
import { type FinalStatus } from "../stream/streamJob";
import { liveStatus, streamPath, useJobStream } from "../stream/useJobStream";
import { RefreshIcon } from "../ui/icons";
import { CopyButton } from "./CopyButton";
import { ErrorNotice } from "./ErrorNotice";
import { Markdown } from "./Markdown";

interface MessageItemProps {
  message: Message;
  /** Only the latest answer offers Regenerate. */
  isLatestAnswer: boolean;
  onRetry: (id: number) => void;
  onRegenerate: (id: number) => void;
  /** A stream reached its final event: the caller refetches the stored conversation. */
  onSettled: (id: number, status: FinalStatus) => void;
}

export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  return props.message.role === "user" ? <UserMessage message={props.message} /> : <AssistantMessage {...props} />;
});

function UserMessage({ message }: { message: Message }) {
  const { t } = useTranslation();
  return (
    <article className="message message--user" aria-label={t("chat.you")}>
      <div className="message__bubble">{message.content}</div>
    </article>
  );
}

function AssistantMessage({ message, isLatestAnswer, onRetry, onRegenerate, onSettled }: MessageItemProps) {
  const { t } = useTranslation();
  const path = streamPath("messages", message.id, message.status);
  const stream = useJobStream(path, String(message.attempt), (status) => onSettled(message.id, status));
  const status = liveStatus(message.status, stream);
  const text = stream.started ? stream.text : message.content;
  const writing = status === "queued" || status === "running";

  return (
    <article
      className={`message message--assistant message--${status}`}
      aria-label={t("chat.aira")}
      aria-busy={writing}
      data-status={status}
    >
      <div className="message__avatar" aria-hidden="true">
        ✦
      </div>
      <div className="message__body">
        {text ? <Markdown text={text} /> : null}
        {writing && !text ? (
          <p className="message__thinking">
            <span className="dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {t("chat.thinking")}
          </p>
        ) : null}
        {writing && stream.reconnecting ? <p className="message__note">{t("chat.reconnecting")}</p> : null}
        {status === "cancelled" ? <p className="message__note">{t("chat.stopped")}</p> : null}
        {status === "failed" ? <ErrorNotice code={message.error_code} detail={message.error} /> : null}
        {!writing ? (
          <div className="message__actions">
            {text ? <CopyButton text={text} /> : null}
            {status === "failed" || status === "cancelled" ? (
              <button type="button" className="chip-button" onClick={() => onRetry(message.id)}>
                <RefreshIcon />
                {t("chat.retry")}
              </button>
            ) : null}
            {status === "done" && isLatestAnswer ? (
              <button type="button" className="chip-button" onClick={() => onRegenerate(message.id)}>
                <RefreshIcon />
                {t("chat.regenerate")}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
    </article>
  );
}
