import { afterEach, describe, expect, it, vi } from "vitest";

import { tokenStore } from "./tokenStore";

afterEach(() => {
  tokenStore.clear("user");
  vi.useRealTimers();
});

describe("tokenStore", () => {
  it("keeps the token across reloads in localStorage", () => {
    tokenStore.set("jwt", 3600);
    expect(tokenStore.getToken()).toBe("jwt");
    expect(localStorage.getItem("aira.session")).toContain("jwt");
  });

  it("ends the session when the token expires, telling subscribers why", () => {
    vi.useFakeTimers();
    const listener = vi.fn();
    const unsubscribe = tokenStore.subscribe(listener);
    tokenStore.set("jwt", 60);
    listener.mockClear();

    vi.advanceTimersByTime(60_000);
    expect(tokenStore.getToken()).toBeNull();
    expect(tokenStore.lastLogoutReason()).toBe("expired");
    expect(listener).toHaveBeenCalledOnce();
    expect(localStorage.getItem("aira.session")).toBeNull();
    unsubscribe();
  });
});
