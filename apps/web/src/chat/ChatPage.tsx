import * as Dialog from "@radix-ui/react-dialog";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";

import { isApiError } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import { isActive } from "../api/types";
import { useErrorMessage } from "../ui/useErrorMessage";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { CloseIcon, MenuIcon } from "../ui/icons";
import { Composer } from "./Composer";
import { ConversationList } from "./ConversationList";
import { titleFrom, useConversation, useCreateConversation } from "./conversationQueries";
import { newIdempotencyKey } from "./idempotencyKey";
import { MessageList } from "./MessageList";
import { useMessageActions, useSendMessage } from "./messageMutations";

export function ChatPage() {
  const { t } = useTranslation();
  const params = useParams();
  const id = params.conversationId ? Number(params.conversationId) : null;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const errorMessage = useErrorMessage();

  const conversation = useConversation(id);
  const create = useCreateConversation();
  const send = useSendMessage();
  const { stop, retry, regenerate } = useMessageActions(id ?? 0);

  const messages = useMemo(() => conversation.data?.messages ?? [], [conversation.data]);
  const writing = messages.findLast((m) => m.role === "assistant" && isActive(m.status));

  async function onSend(content: string) {
    let target = id;
    if (target === null) {
      const created = await create.mutateAsync(titleFrom(content));
      target = created.id;
      queryClient.setQueryData(queryKeys.conversation(target), { ...created, messages: [] });
      void navigate(`/chat/${target}`);
    }
    await send.mutateAsync({ conversationId: target, content, idempotencyKey: newIdempotencyKey() });
  }

  const onSettled = useCallback(() => {
    if (id === null) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.conversation(id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.conversations, exact: true });
  }, [id, queryClient]);
  const onRetry = useCallback((messageId: number) => retry.mutate(messageId), [retry]);
  // The latest answer is written again in place: its new attempt replaces the text.
  const onRegenerate = useCallback(
    (messageId: number) => {
      if (!regenerate.isPending) regenerate.mutate(messageId);
    },
    [regenerate],
  );

  const startNew = () => {
    setDrawerOpen(false);
    void navigate("/chat");
  };
  const list = (
    <ConversationList
      activeId={id}
      onNew={startNew}
      onNavigate={() => setDrawerOpen(false)}
      onDeleted={(deleted) => {
        if (deleted === id) void navigate("/chat");
      }}
    />
  );
  const sendError = send.error ?? create.error ?? retry.error ?? regenerate.error ?? stop.error;
  const title = id === null ? t("chat.newConversation") : conversation.data?.title || t("chat.untitled");
  useDocumentTitle(title);

  return (
    <div className="chat">
      <aside className="chat__sidebar">{list}</aside>
      <Dialog.Root open={drawerOpen} onOpenChange={setDrawerOpen}>
        <Dialog.Portal>
          <Dialog.Overlay className="overlay overlay--drawer" />
          <Dialog.Content className="drawer" aria-describedby={undefined}>
            <div className="drawer__header">
              <Dialog.Title className="drawer__title">{t("chat.conversations")}</Dialog.Title>
              <Dialog.Close className="icon-button" aria-label={t("common.close")}>
                <CloseIcon />
              </Dialog.Close>
            </div>
            {list}
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>

      <section className="chat__main" aria-labelledby="chat-title">
        <div className="chat__topbar">
          <button
            type="button"
            className="icon-button chat__menu"
            aria-label={t("chat.openConversations")}
            onClick={() => setDrawerOpen(true)}
          >
            <MenuIcon />
          </button>
          <h1 id="chat-title" className="chat__title">
            {title}
          </h1>
        </div>

        {id === null ? <EmptyChat /> : null}
        {conversation.isError ? (
          <div className="chat__state">
            <p className="notice notice--error" role="alert">
              {isApiError(conversation.error, 404) ? t("chat.notFound") : errorMessage(conversation.error)}
            </p>
          </div>
        ) : null}
        {conversation.isPending && id !== null ? <p className="chat__state">{t("common.loading")}</p> : null}
        {conversation.data ? (
          <MessageList messages={messages} onRetry={onRetry} onRegenerate={onRegenerate} onSettled={onSettled} />
        ) : null}

        <div className="chat__composer">
          {sendError ? (
            <p className="notice notice--error" role="alert">
              {errorMessage(sendError)}
            </p>
          ) : null}
          <Composer
            onSend={onSend}
            busy={writing !== undefined}
            onStop={writing ? () => stop.mutate(writing.id) : undefined}
            disabled={conversation.isError}
          />
          <p className="chat__disclaimer">{t("chat.disclaimer")}</p>
        </div>
      </section>
    </div>
  );
}

function EmptyChat() {
  const { t } = useTranslation();
  return (
    <div className="chat__empty">
      <div className="chat__empty-mark" aria-hidden="true">
        ✦
      </div>
      <h2>{t("chat.emptyTitle")}</h2>
      <p>{t("chat.emptyBody")}</p>
    </div>
  );
}
