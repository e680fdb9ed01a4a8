/** Every TanStack Query key in one place, so invalidations cannot drift from the queries. */
export const queryKeys = {
  me: ["me"] as const,
  meta: ["meta"] as const,
  conversations: ["conversations"] as const,
  conversation: (id: number) => ["conversations", id] as const,
  stories: ["stories"] as const,
  story: (id: number) => ["stories", id] as const,
  console: ["console"] as const,
  consoleOverview: ["console", "overview"] as const,
  deadLetters: ["console", "dead-letters"] as const,
};
