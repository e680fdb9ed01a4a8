import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { jsonResponse, renderWithProviders } from "../test/render";
import { OfflineBanner } from "./OfflineBanner";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("OfflineBanner", () => {
  it("says plainly when answers come from the offline responder", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(jsonResponse({ offline: true, model: null })));
    renderWithProviders(<OfflineBanner />);
    expect(await screen.findByRole("status")).toHaveTextContent("Offline mode:");
  });

  it("stays hidden when a language model answers", async () => {
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse({ offline: false, model: "gpt-4o-mini" }));
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<OfflineBanner />);
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(screen.queryByRole("status")).toBeNull();
  });
});
