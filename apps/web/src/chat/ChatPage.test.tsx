import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Message } from "../api/types";
import { jsonResponse, renderWithProviders, sseResponse } from "../test/render";
import { ChatPage } from "./ChatPage";

const NOW = "2026-01-01T00:00:00Z";

function message(id: number, role: "user" | "assistant", content: string, status: Message["status"]): Message {
  const base = { id, conversation_id: 5, role, content, status, attempt: 1 };
  return { ...base, error_code: null, error: null, created_at: NOW, updated_at: NOW };
}

/** The API as the chat screen uses it, recording every request. */
function fakeApi(sendStatus = 202) {
  const requests: Request[] = [];
  let stored: Message[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((input: Request | string) => {
      const request = typeof input === "string" ? new Request(new URL(input, "http://localhost:3000")) : input;
      requests.push(request);
      const { pathname } = new URL(request.url);
      if (pathname === "/api/conversations" && request.method === "POST") {
        return Promise.resolve(jsonResponse({ id: 5, title: "Hello", created_at: NOW, updated_at: NOW }, 201));
      }
      if (pathname === "/api/conversations") return Promise.resolve(jsonResponse({ data: [], count: 0 }));
      if (pathname === "/api/conversations/5/messages") {
        if (sendStatus !== 202) return Promise.resolve(jsonResponse({ detail: "boom" }, sendStatus));
        stored = [message(8, "user", "Hello", "done"), message(9, "assistant", "", "queued")];
        return Promise.resolve(jsonResponse({ user_message: stored[0], assistant_message: stored[1] }, 202));
      }
      if (pathname === "/api/conversations/5") {
        return Promise.resolve(jsonResponse({ id: 5, title: "Hello", created_at: NOW, updated_at: NOW, messages: stored }));
      }
      // The answer's event stream stays open: this test is about sending.
      return new Promise<Response>(() => undefined);
    }),
  );
  return requests;
}

/** A conversation whose latest answer is done; Regenerate's new attempt streams once released. */
function fakeRegenerateApi() {
  const requests: Request[] = [];
  const question = message(8, "user", "Hello", "done");
  let stored = [question, message(9, "assistant", "Old answer", "done")];
  let releaseStream: () => void = () => undefined;
  const streamReleased = new Promise<void>((resolve) => (releaseStream = resolve));
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request | string) => {
      const request = typeof input === "string" ? new Request(new URL(input, "http://localhost:3000")) : input;
      requests.push(request);
      const { pathname } = new URL(request.url);
      if (pathname === "/api/conversations") return jsonResponse({ data: [], count: 0 });
      if (pathname === "/api/conversations/5") {
        return jsonResponse({ id: 5, title: "Hello", created_at: NOW, updated_at: NOW, messages: stored });
      }
      if (pathname === "/api/messages/9/regenerate" && request.method === "POST") {
        const attempt = { ...message(9, "assistant", "", "queued"), attempt: 2 };
        stored = [question, attempt];
        return jsonResponse(attempt, 202);
      }
      if (pathname === "/api/messages/9/events") {
        await streamReleased;
        const done = { ...message(9, "assistant", "New answer", "done"), attempt: 2 };
        stored = [question, done];
        return sseResponse([
          { id: "2::3", event: "delta", data: { text: "New" } },
          { id: "2::10", event: "delta", data: { text: " answer" } },
          { id: "2::10", event: "done", data: done },
        ]);
      }
      return jsonResponse({ detail: "unexpected" }, 500);
    }),
  );
  return { requests, releaseStream };
}

function renderChat(route = "/chat") {
  renderWithProviders(
    <Routes>
      <Route path="/chat/:conversationId?" element={<ChatPage />} />
    </Routes>,
    { route },
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("ChatPage", () => {
  it("starts a conversation with the first message and sends it with an idempotency key", async () => {
    const requests = fakeApi();
    renderChat();
    await userEvent.type(screen.getByRole("textbox", { name: "Message" }), "Hello{Enter}");

    expect(await screen.findByRole("heading", { level: 1, name: "Hello" })).toBeInTheDocument();
    expect(await screen.findByText("Thinking…")).toBeInTheDocument();
    const send = requests.find((r) => r.method === "POST" && r.url.endsWith("/api/conversations/5/messages"));
    expect(send?.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f]{32}$/);
    expect(await send?.clone().json()).toEqual({ content: "Hello" });
    const created = requests.find((r) => r.method === "POST" && r.url.endsWith("/api/conversations"));
    expect(await created?.clone().json()).toEqual({ title: "Hello" });
    expect(screen.getByRole("button", { name: "Stop answer" })).toBeInTheDocument();
  });

  it("says why a message could not be sent and keeps the text", async () => {
    fakeApi(500);
    renderChat();
    const box = screen.getByRole("textbox", { name: "Message" });
    await userEvent.type(box, "Hello{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("Something went wrong on our side.");
    expect(box).toHaveValue("Hello");
  });

  it("regenerates the latest answer in place: the new attempt replaces the old text", async () => {
    const { requests, releaseStream } = fakeRegenerateApi();
    renderChat("/chat/5");
    expect(await screen.findByText("Old answer")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Regenerate" }));
    expect(await screen.findByText("Thinking…")).toBeInTheDocument();
    expect(screen.queryByText("Old answer")).toBeNull();

    releaseStream();
    expect(await screen.findByText("New answer")).toBeInTheDocument();
    const answer = screen.getByRole("article", { name: "Aira" }); // still one answer
    await waitFor(() => expect(answer).toHaveAttribute("data-status", "done"));
    expect(within(answer).getByRole("button", { name: "Regenerate" })).toBeInTheDocument();
    expect(screen.getAllByRole("article", { name: "You" })).toHaveLength(1);
    const posts = requests.filter((r) => r.method === "POST").map((r) => new URL(r.url).pathname);
    expect(posts).toEqual(["/api/messages/9/regenerate"]);
  });
});
