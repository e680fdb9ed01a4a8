import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { ConsoleOverview, DeadLetter } from "../api/types";
import { jsonResponse, renderWithProviders } from "../test/render";
import { ConsolePage } from "./ConsolePage";

const OVERVIEW: ConsoleOverview = {
  queue: { visible: 3, in_flight: 1, dead_letters: 1, oldest_age_seconds: 42.4 },
  jobs_last_hour: [
    { kind: "chat", status: "done", count: 12 },
    { kind: "story", status: "failed", count: 2 },
  ],
  failures: [{ error_code: "insufficient_quota", count: 2, last_at: "2026-11-25T21:00:00Z" }],
  failures_hours: 24,
};
const LETTER: DeadLetter = {
  message_id: "m-1",
  receive_count: 5,
  kind: "chat",
  job_id: 42,
  attempt: 1,
  status: "failed",
  error_code: "retries_exhausted",
  error: "gave up after 5 receives",
  action: "retry",
};

function serve(letters: DeadLetter[]) {
  const fetchMock = vi.fn((request: Request) => {
    const path = new URL(request.url).pathname;
    if (path === "/api/admin/overview") return Promise.resolve(jsonResponse(OVERVIEW));
    if (path === "/api/admin/dead-letters") return Promise.resolve(jsonResponse(letters));
    if (path.endsWith("/redrive")) return Promise.resolve(jsonResponse({ retried: 1, moved: 1 }));
    return Promise.resolve(jsonResponse({ detail: "Not Found" }, 404));
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => vi.unstubAllGlobals());

describe("ConsolePage", () => {
  it("shows the queue, the last hour's jobs and the failures by code", async () => {
    serve([]);
    renderWithProviders(<ConsolePage />);
    const queue = await screen.findByRole("region", { name: "Queue" });
    expect(within(queue).getByText("Waiting").nextSibling).toHaveTextContent("3");
    expect(within(queue).getByText("Oldest job waiting").nextSibling).toHaveTextContent("42 s");
    const jobs = screen.getByRole("region", { name: "Jobs in the last hour" });
    expect(jobs).toHaveTextContent("Chat");
    expect(jobs).toHaveTextContent("12");
    expect(screen.getByRole("region", { name: "Failures in the last 24 h" })).toHaveTextContent("insufficient_quota");
    expect(await screen.findByText("The dead-letter queue is empty.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Redrive" })).toBeDisabled();
  });

  it("redrives the dead letters only after confirmation", async () => {
    const fetchMock = serve([LETTER]);
    renderWithProviders(<ConsolePage />);
    expect(await screen.findByText("chat-42")).toBeInTheDocument();
    expect(screen.getByText("gave up after 5 receives")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Redrive" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(dialog).toHaveTextContent("Dead letters to move back: 1.");
    const redriveCalls = () =>
      fetchMock.mock.calls.filter(([request]) => new URL(request.url).pathname.endsWith("/redrive"));
    expect(redriveCalls()).toHaveLength(0);

    await userEvent.click(within(dialog).getByRole("button", { name: "Redrive" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Jobs retried: 1, messages moved back: 1.");
    const [request] = redriveCalls()[0] ?? [];
    expect(await (request as Request).json()).toEqual({ confirm: true });
  });

  it("says the page does not exist for someone who is not an admin", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(jsonResponse({ detail: "Not Found" }, 404)));
    renderWithProviders(<ConsolePage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("Not found.");
  });
});
