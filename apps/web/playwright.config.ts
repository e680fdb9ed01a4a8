import { defineConfig } from "@playwright/test";

// Runs against a platform someone else started (tests/web/test_e2e.py starts API, worker and a
// local OpenAI-speaking server, then passes their addresses in).
const baseURL = process.env.AIRA_E2E_BASE_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    locale: "ko-KR",
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // Debian's chromium: Playwright's own browser downloads are not available here.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
