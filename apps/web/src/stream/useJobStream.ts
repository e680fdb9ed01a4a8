import { useEffect, useRef, useState } from "react";

import { isActive, type JobStatus } from "../api/types";
import { type FinalStatus, streamJob } from "./streamJob";

export interface JobStreamState {
  /** Text received so far on this stream (empty until the first delta). */
  text: string;
  /** Whether any delta arrived: until then the stored text is the better guess. */
  started: boolean;
  final: FinalStatus | null;
  reconnecting: boolean;
}

const IDLE: JobStreamState = { text: "", started: false, final: null, reconnecting: false };

/**
 * Streams a running job while `path` is set. `onFinal` fires once with the final status, so the
 * caller can refetch the stored row (the database is the only truth the UI trusts).
 */
export function useJobStream(
  path: string | null,
  attemptKey: string,
  onFinal: (status: FinalStatus) => void,
): JobStreamState {
  const [state, setState] = useState<JobStreamState>(IDLE);
  const streamKey = path ? `${path}#${attemptKey}` : null;
  const [streamedKey, setStreamedKey] = useState(streamKey);
  // The latest callback, read when the stream ends: a new callback must not restart the stream.
  const onFinalRef = useRef(onFinal);
  useEffect(() => {
    onFinalRef.current = onFinal;
  });

  // A new job (or a new attempt of it) starts from an empty stream.
  if (streamedKey !== streamKey) {
    setStreamedKey(streamKey);
    setState(IDLE);
  }

  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    streamJob(
      path,
      {
        onDelta: (text) => setState((s) => ({ ...s, started: true, text: s.text + text })),
        onReset: () => setState((s) => ({ ...s, started: true, text: "" })),
        onReconnecting: (reconnecting) => setState((s) => ({ ...s, reconnecting })),
        onFinal: (status) => {
          setState((s) => ({ ...s, final: status, reconnecting: false }));
          onFinalRef.current(status);
        },
      },
      controller.signal,
    ).catch(() => {
      // Fatal stream errors (the job is gone or not ours): fall back to the stored row.
      if (!controller.signal.aborted) onFinalRef.current("failed");
    });
    return () => controller.abort();
  }, [path, streamKey]);

  return state;
}

/** The status to show: the stream's news is fresher than the row fetched before it. */
export function liveStatus(stored: JobStatus, stream: JobStreamState): JobStatus {
  if (stream.final) return stream.final;
  return stream.started && stored === "queued" ? "running" : stored;
}

/** The events URL of a job while it is queued or running; null once it is final. */
export function streamPath(kind: "messages" | "stories", id: number, status: JobStatus): string | null {
  return isActive(status) ? `/api/${kind}/${id}/events` : null;
}
