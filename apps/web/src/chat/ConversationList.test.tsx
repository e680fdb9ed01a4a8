import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { jsonResponse, renderWithProviders } from "../test/render";
import { ConversationList } from "./ConversationList";

const conversations = [
  { id: 1, title: "Oldest", created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" },
  { id: 2, title: "Newest", created_at: "2026-01-02T00:00:00Z", updated_at: "2026-01-03T00:00:00Z" },
  { id: 3, title: "", created_at: "2026-01-02T00:00:00Z", updated_at: "2026-01-02T00:00:00Z" },
];

function fakeApi() {
  const calls: { method: string; path: string }[] = [];
  const fetchMock = vi.fn((request: Request) => {
    const path = new URL(request.url).pathname;
    calls.push({ method: request.method, path });
    if (request.method === "DELETE") return Promise.resolve(new Response(null, { status: 204 }));
    return Promise.resolve(jsonResponse({ data: conversations, count: conversations.length }));
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

function renderList() {
  const handlers = { onNew: vi.fn(), onDeleted: vi.fn() };
  renderWithProviders(<ConversationList activeId={2} {...handlers} />, { route: "/chat/2" });
  return handlers;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("ConversationList", () => {
  it("lists the most recent conversation first and marks the open one", async () => {
    fakeApi();
    renderList();
    const links = await screen.findAllByRole("link");
    expect(links.map((link) => link.textContent)).toEqual(["Newest", "Untitled chat", "Oldest"]);
    expect(links[0]).toHaveAttribute("aria-current", "page");
  });

  it("deletes only after the user confirms", async () => {
    const calls = fakeApi();
    const { onDeleted } = renderList();
    await userEvent.click(await screen.findByRole("button", { name: "Delete “Oldest”" }));

    const dialog = screen.getByRole("alertdialog", { name: "Delete this conversation?" });
    expect(dialog).toHaveTextContent("“Oldest” and all its messages will be deleted.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(calls.some((call) => call.method === "DELETE")).toBe(false);

    await userEvent.click(screen.getByRole("button", { name: "Delete “Oldest”" }));
    await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete" }));
    await vi.waitFor(() => expect(onDeleted).toHaveBeenCalledWith(1));
    expect(calls).toContainEqual({ method: "DELETE", path: "/api/conversations/1" });
  });
});
