import { EventStreamContentType, fetchEventSource } from "@microsoft/fetch-event-source";

import { authHeaders } from "../api/client";
import { ApiError } from "../api/errors";
import { tokenStore } from "../auth/tokenStore";
import type { JobStatus } from "../api/types";

export type FinalStatus = Extract<JobStatus, "done" | "failed" | "cancelled">;

const FINAL_EVENTS: readonly string[] = ["done", "failed", "cancelled"];

export interface JobStreamHandlers {
  /** Text appended to the answer (a `delta` event). */
  onDelta: (text: string) => void;
  /** The answer's text restarts (a new attempt began after the job was taken over). */
  onReset?: () => void;
  onFinal: (status: FinalStatus, data: unknown) => void;
  /** True while a dropped connection is being re-opened. */
  onReconnecting?: (reconnecting: boolean) => void;
}

/** Fatal: the stream must not be retried (auth, ownership, bad request). */
class StreamFatal extends Error {}
/** The server closed the stream before a final event: reconnect and resume. */
class StreamDropped extends Error {}

const MAX_BACKOFF_MS = 10_000;

/**
 * Follows a job's Server-Sent Events until its final event. fetch-based so the bearer token
 * travels in a header; a dropped connection is re-opened with `Last-Event-ID` so no text is
 * repeated or lost. Resolves after the final event; rejects on fatal errors.
 */
export async function streamJob(
  path: string,
  handlers: JobStreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  const done = new AbortController();
  const abortBoth = () => done.abort();
  signal.addEventListener("abort", abortBoth);
  let failures = 0;
  let finished = false;

  try {
    await fetchEventSource(path, {
      headers: authHeaders(),
      signal: done.signal,
      openWhenHidden: true,
      fetch: (input, init) => globalThis.fetch(input, init),
      onopen(response) {
        if (response.ok && response.headers.get("content-type")?.startsWith(EventStreamContentType)) {
          failures = 0;
          handlers.onReconnecting?.(false);
          return Promise.resolve();
        }
        if (response.status === 401) tokenStore.clear("expired");
        if (response.status >= 400 && response.status < 500 && response.status !== 429) {
          throw new StreamFatal(String(response.status));
        }
        throw new ApiError(response.status, response.statusText);
      },
      onmessage(event) {
        if (event.event === "delta") {
          const { text } = JSON.parse(event.data) as { text: string };
          handlers.onDelta(text);
        } else if (event.event === "reset") {
          handlers.onReset?.();
        } else if (FINAL_EVENTS.includes(event.event)) {
          finished = true;
          handlers.onFinal(event.event as FinalStatus, parseData(event.data));
          done.abort();
        }
      },
      onclose() {
        if (!finished) throw new StreamDropped();
      },
      onerror(error: unknown) {
        if (error instanceof StreamFatal) throw error;
        failures += 1;
        handlers.onReconnecting?.(true);
        return Math.min(500 * 2 ** failures, MAX_BACKOFF_MS);
      },
    });
  } finally {
    signal.removeEventListener("abort", abortBoth);
  }
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
