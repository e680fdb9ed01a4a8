import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "../api/client";
import { ApiError, unwrap } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import type { ConversationDetail, Message } from "../api/types";

export interface SendInput {
  conversationId: number;
  content: string;
  /** Same key for every try of one send, so a repeated request never makes a second answer. */
  idempotencyKey: string;
}

function withMessages(detail: ConversationDetail | undefined, added: Message[]): ConversationDetail | undefined {
  if (!detail) return detail;
  const known = new Set(added.map((m) => m.id));
  return { ...detail, messages: [...detail.messages.filter((m) => !known.has(m.id)), ...added] };
}

function withMessage(detail: ConversationDetail | undefined, changed: Message): ConversationDetail | undefined {
  if (!detail) return detail;
  return { ...detail, messages: detail.messages.map((m) => (m.id === changed.id ? changed : m)) };
}

export function useSendMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ conversationId, content, idempotencyKey }: SendInput) =>
      unwrap(
        api.POST("/api/conversations/{conversation_id}/messages", {
          params: { path: { conversation_id: conversationId }, header: { "Idempotency-Key": idempotencyKey } },
          body: { content },
        }),
      ),
    // A lost connection is tried again with the same key: the API answers with the same pair.
    retry: (failures, error) => failures < 2 && !(error instanceof ApiError),
    // A read of the thread that started before this send would land after it without the new
    // pair: cancel it, show the pair at once, then read the stored thread again.
    onMutate: ({ conversationId }) => queryClient.cancelQueries({ queryKey: queryKeys.conversation(conversationId) }),
    onSuccess: async (pair, { conversationId }) => {
      const key = queryKeys.conversation(conversationId);
      queryClient.setQueryData<ConversationDetail>(key, (detail) =>
        withMessages(detail, [pair.user_message, pair.assistant_message]),
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: key, exact: true }),
        queryClient.invalidateQueries({ queryKey: queryKeys.conversations, exact: true }),
      ]);
    },
  });
}

/** Stop, Retry and Regenerate for the answers of one conversation. */
export function useMessageActions(conversationId: number) {
  const queryClient = useQueryClient();
  const key = queryKeys.conversation(conversationId);
  const store = (message: Message) =>
    queryClient.setQueryData<ConversationDetail>(key, (detail) => withMessage(detail, message));

  const stop = useMutation({
    mutationFn: (id: number) => unwrap(api.POST("/api/messages/{message_id}/stop", { params: { path: { message_id: id } } })),
    onSuccess: store,
  });
  const retry = useMutation({
    mutationFn: (id: number) => unwrap(api.POST("/api/messages/{message_id}/retry", { params: { path: { message_id: id } } })),
    onSuccess: store,
  });
  // A new attempt of a done answer, in place: the stored row comes back queued with empty text,
  // so the item drops the old text and streams the new attempt. A read of the thread that started
  // before would bring the old text back: cancel it first.
  const regenerate = useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST("/api/messages/{message_id}/regenerate", { params: { path: { message_id: id } } })),
    onMutate: () => queryClient.cancelQueries({ queryKey: key }),
    onSuccess: store,
  });
  return { stop, retry, regenerate };
}
