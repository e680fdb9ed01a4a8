import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { jsonResponse, renderWithProviders } from "../test/render";
import { LoginPage } from "./LoginPage";
import { tokenStore } from "./tokenStore";

afterEach(() => {
  vi.unstubAllGlobals();
  tokenStore.clear("user");
});

async function submit(email: string, password: string) {
  await userEvent.type(screen.getByLabelText("Email"), email);
  if (password) await userEvent.type(screen.getByLabelText("Password"), password);
  await userEvent.click(screen.getByRole("button", { name: "Log in" }));
}

describe("LoginPage", () => {
  it("says clearly when the credentials are wrong", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(jsonResponse({ detail: "Incorrect email or password" }, 401)));
    renderWithProviders(<LoginPage />);
    await submit("mina@example.com", "wrong-password");
    expect(await screen.findByRole("alert")).toHaveTextContent("That email or password is not right.");
    expect(tokenStore.getToken()).toBeNull();
  });

  it("validates the fields before asking the server", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<LoginPage />);
    await submit("not-an-email", "");
    expect(await screen.findByText("Please enter a valid email address.")).toBeInTheDocument();
    expect(screen.getByText("Please fill this in.")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("stores the token from a successful login, posting the OAuth2 form", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValue(jsonResponse({ access_token: "jwt", token_type: "bearer", expires_in: 3600 }));
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<LoginPage />);
    await submit("mina@example.com", "correct-horse");
    await vi.waitFor(() => expect(tokenStore.getToken()).toBe("jwt"));
    const request = fetchMock.mock.calls[0]?.[0] as Request;
    expect(new URL(request.url).pathname).toBe("/api/auth/token");
    expect(await request.text()).toBe("username=mina%40example.com&password=correct-horse&scope=");
  });

  it("explains that an expired session ended", () => {
    tokenStore.set("jwt", 3600);
    tokenStore.clear("expired");
    renderWithProviders(<LoginPage />);
    expect(screen.getByRole("status")).toHaveTextContent("Your session expired. Please log in again.");
  });
});
