import { afterEach, describe, expect, it, vi } from "vitest";

import { tokenStore } from "../auth/tokenStore";
import { sseResponse } from "../test/render";
import { streamJob } from "./streamJob";

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear("user");
});

function handlers() {
  return { onDelta: vi.fn(), onFinal: vi.fn(), onReconnecting: vi.fn() };
}

describe("streamJob", () => {
  it("sends the bearer token in a header", async () => {
    tokenStore.set("secret-token", 3600);
    const fetchMock = vi.fn().mockResolvedValue(sseResponse([{ event: "done", data: {} }]));
    vi.stubGlobal("fetch", fetchMock);
    await streamJob("/api/messages/1/events", handlers(), new AbortController().signal);
    const init = fetchMock.mock.calls[0]?.[1] as RequestInit;
    expect(init.headers).toMatchObject({ Authorization: "Bearer secret-token" });
  });

  it("resumes a dropped stream with Last-Event-ID, without repeating text", async () => {
    const responses = [
      sseResponse([{ id: "5", event: "delta", data: { text: "Once " } }]),
      sseResponse([
        { id: "9", event: "delta", data: { text: "upon a time" } },
        { event: "done", data: {} },
      ]),
    ];
    const sentHeaders: Record<string, string>[] = [];
    const fetchMock = vi.fn((_url: string, init: RequestInit) => {
      sentHeaders.push({ ...(init.headers as Record<string, string>) });
      return Promise.resolve(responses.shift() as Response);
    });
    vi.stubGlobal("fetch", fetchMock);
    const h = handlers();
    await streamJob("/api/messages/1/events", h, new AbortController().signal);

    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(sentHeaders[0]).not.toHaveProperty("last-event-id");
    expect(sentHeaders[1]).toMatchObject({ "last-event-id": "5" });
    expect(h.onDelta.mock.calls.map(([text]) => text as string).join("")).toBe("Once upon a time");
    expect(h.onReconnecting).toHaveBeenCalledWith(true);
    expect(h.onFinal).toHaveBeenCalledWith("done", {});
  });

  it("starts the text again when the answer is generated anew", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn().mockResolvedValue(
        sseResponse([
          { id: "3", event: "delta", data: { text: "First try" } },
          { id: "4", event: "reset", data: {} },
          { id: "6", event: "delta", data: { text: "Second try" } },
          { event: "done", data: {} },
        ]),
      ),
    );
    const text: string[] = [];
    await streamJob(
      "/api/messages/1/events",
      { onDelta: (delta) => text.push(delta), onReset: () => (text.length = 0), onFinal: vi.fn() },
      new AbortController().signal,
    );
    expect(text.join("")).toBe("Second try");
  });

  it("ends the session and gives up when the API answers 401", async () => {
    tokenStore.set("old-token", 3600);
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(new Response("", { status: 401 })));
    await expect(streamJob("/api/messages/1/events", handlers(), new AbortController().signal)).rejects.toThrow();
    expect(tokenStore.getToken()).toBeNull();
    expect(tokenStore.lastLogoutReason()).toBe("expired");
  });
});
