import { useTranslation } from "react-i18next";

import type { Message } from "../api/types";
import type { FinalStatus } from "../stream/streamJob";
import { ArrowDownIcon } from "../ui/icons";
import { MessageItem } from "./MessageItem";
import { useFollowBottom } from "./useFollowBottom";

interface MessageListProps {
  messages: Message[];
  onRetry: (id: number) => void;
  onRegenerate: (id: number) => void;
  onSettled: (id: number, status: FinalStatus) => void;
}

export function MessageList({ messages, onRetry, onRegenerate, onSettled }: MessageListProps) {
  const { t } = useTranslation();
  const { scroller, content, onScroll, atBottom, jumpToBottom } = useFollowBottom<HTMLDivElement>();
  const latestAnswerId = messages.findLast((m) => m.role === "assistant")?.id;

  return (
    <div className="message-list" ref={scroller} onScroll={onScroll}>
      <div className="message-list__content" ref={content} role="log" aria-live="polite" aria-label={t("chat.messages")}>
        {messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            isLatestAnswer={message.id === latestAnswerId}
            onRetry={onRetry}
            onRegenerate={onRegenerate}
            onSettled={onSettled}
          />
        ))}
      </div>
      {!atBottom ? (
        <button type="button" className="jump-to-latest" onClick={() => jumpToBottom()}>
          <ArrowDownIcon />
          {t("chat.jumpToLatest")}
        </button>
      ) : null}
    </div>
  );
}
