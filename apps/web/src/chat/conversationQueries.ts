import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import type { Conversation, ConversationDetail } from "../api/types";

/** The most recent conversations the list shows. */
const LIST_LIMIT = 200;

function byMostRecent(a: Conversation, b: Conversation): number {
  return b.updated_at.localeCompare(a.updated_at) || b.id - a.id;
}

export function useConversations() {
  return useQuery({
    queryKey: queryKeys.conversations,
    queryFn: async () => (await unwrap(api.GET("/api/conversations", { params: { query: { limit: LIST_LIMIT } } }))).data,
    select: (conversations: Conversation[]) => [...conversations].sort(byMostRecent),
  });
}

export function useConversation(id: number | null) {
  return useQuery<ConversationDetail>({
    queryKey: queryKeys.conversation(id ?? 0),
    queryFn: () =>
      unwrap(api.GET("/api/conversations/{conversation_id}", { params: { path: { conversation_id: id ?? 0 } } })),
    enabled: id !== null,
  });
}

export function useCreateConversation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (title: string) => unwrap(api.POST("/api/conversations", { body: { title } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.conversations, exact: true }),
  });
}

export function useRenameConversation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, title }: { id: number; title: string }) =>
      unwrap(
        api.PATCH("/api/conversations/{conversation_id}", {
          params: { path: { conversation_id: id } },
          body: { title },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.conversations }),
  });
}

export function useDeleteConversation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.DELETE("/api/conversations/{conversation_id}", { params: { path: { conversation_id: id } } })),
    onSuccess: (_result, id) => {
      queryClient.removeQueries({ queryKey: queryKeys.conversation(id) });
      return queryClient.invalidateQueries({ queryKey: queryKeys.conversations });
    },
  });
}

/** A title for a new conversation: the start of its first message, on one line. */
export function titleFrom(content: string): string {
  const line = content.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
