import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import type { Story, StoryCreate } from "../api/types";

/** The most recent stories the list shows. */
const LIST_LIMIT = 200;

export function useStories() {
  return useQuery({
    queryKey: queryKeys.stories,
    queryFn: async () => (await unwrap(api.GET("/api/stories", { params: { query: { limit: LIST_LIMIT } } }))).data,
    select: (stories: Story[]) => [...stories].sort((a, b) => b.id - a.id),
  });
}

export function useStory(id: number) {
  return useQuery<Story>({
    queryKey: queryKeys.story(id),
    queryFn: () => unwrap(api.GET("/api/stories/{story_id}", { params: { path: { story_id: id } } })),
  });
}

export function useCreateStory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StoryCreate) => unwrap(api.POST("/api/stories", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.stories, exact: true }),
  });
}
