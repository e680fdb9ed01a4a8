import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Message } from "../api/types";
import { renderWithProviders, sseResponse } from "../test/render";
import { MessageItem } from "./MessageItem";

function answer(overrides: Partial<Message>): Message {
  return {
    id: 7,
    conversation_id: 1,
    role: "assistant",
    content: "",
    status: "done",
    attempt: 1,
    error_code: null,
    error: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

function renderItem(message: Message, isLatestAnswer = true) {
  const handlers = { onRetry: vi.fn(), onRegenerate: vi.fn(), onSettled: vi.fn() };
  renderWithProviders(<MessageItem message={message} isLatestAnswer={isLatestAnswer} {...handlers} />);
  return handlers;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("MessageItem", () => {
  it("renders Markdown with a copy button on code blocks", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    renderItem(answer({ content: "# Plan\n\n- **one**\n- two\n\n```python\nprint('hi')\n```" }));

    expect(screen.getByRole("heading", { name: "Plan" })).toBeInTheDocument();
    expect(screen.getByText("one").tagName).toBe("STRONG");
    expect(screen.getByText("python")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Copy code" }));
    expect(writeText).toHaveBeenCalledWith("print('hi')\n");
    expect(await screen.findByRole("button", { name: "Copied" })).toBeInTheDocument();
  });

  it("never renders raw HTML or script links from an answer", () => {
    renderItem(answer({ content: '<img src=x onerror="alert(1)">\n\n[click](javascript:alert(1)) <b>bold</b>' }));
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector("b")).toBeNull();
    expect(screen.getByText("click").closest("a")?.getAttribute("href") ?? "").not.toContain("javascript");
  });

  it("shows a failed answer's error in the thread with Retry", async () => {
    const { onRetry } = renderItem(answer({ status: "failed", error_code: "insufficient_quota", error: "insufficient_quota" }));
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The answer could not be written.");
    expect(alert).toHaveTextContent("usage limit");
    expect(alert).toHaveTextContent("insufficient_quota");
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(onRetry).toHaveBeenCalledWith(7);
  });

  it("keeps a stopped answer's partial text and offers Retry", () => {
    renderItem(answer({ status: "cancelled", content: "Once upon a" }));
    expect(screen.getByText("Once upon a")).toBeInTheDocument();
    expect(screen.getByText("You stopped this answer.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });

  it("offers Regenerate only on the latest finished answer", () => {
    renderItem(answer({ content: "Hi!" }), false);
    expect(screen.queryByRole("button", { name: "Regenerate" })).toBeNull();
  });

  it("regenerates the latest finished answer, not retries it", async () => {
    const { onRegenerate, onRetry } = renderItem(answer({ content: "Hi!" }));
    expect(screen.queryByRole("button", { name: "Retry" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Regenerate" }));
    expect(onRegenerate).toHaveBeenCalledWith(7);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it("streams a running answer and reports its final status", async () => {
    const fetchMock = vi.fn().mockResolvedValue(
      sseResponse([
        { id: "1", event: "delta", data: { text: "Hello" } },
        { id: "2", event: "delta", data: { text: ", world" } },
        { event: "done", data: { status: "done" } },
      ]),
    );
    vi.stubGlobal("fetch", fetchMock);
    const { onSettled } = renderItem(answer({ status: "running", content: "Hel" }));

    await waitFor(() => expect(onSettled).toHaveBeenCalledWith(7, "done"));
    expect(screen.getByText("Hello, world")).toBeInTheDocument();
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("/api/messages/7/events");
    expect(init.headers).toMatchObject({ accept: "text/event-stream" });
  });

  it("shows a thinking indicator before the first words arrive", () => {
    vi.stubGlobal("fetch", vi.fn(() => new Promise<Response>(() => undefined)));
    renderItem(answer({ status: "queued" }));
    expect(screen.getByText("Thinking…")).toBeInTheDocument();
    expect(screen.getByRole("article")).toHaveAttribute("aria-busy", "true");
  });
});
