import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import type { ConsoleOverview, DeadLetter, RedriveResult } from "../api/types";

/** Operators watch a live system: the console refreshes itself. */
const REFRESH_MS = 15_000;

export function useConsoleOverview() {
  return useQuery<ConsoleOverview>({
    queryKey: queryKeys.consoleOverview,
    queryFn: () => unwrap(api.GET("/api/admin/overview")),
    refetchInterval: REFRESH_MS,
  });
}

export function useDeadLetters() {
  return useQuery<DeadLetter[]>({
    queryKey: queryKeys.deadLetters,
    queryFn: () => unwrap(api.GET("/api/admin/dead-letters")),
    refetchInterval: REFRESH_MS,
  });
}

/** Retries the jobs whose receives ran out and moves the dead letters back to the queue. */
export function useRedrive() {
  const queryClient = useQueryClient();
  return useMutation<RedriveResult>({
    mutationFn: () => unwrap(api.POST("/api/admin/dead-letters/redrive", { body: { confirm: true } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.console }),
  });
}
