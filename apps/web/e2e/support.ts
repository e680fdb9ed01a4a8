import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Locator, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const SCREENSHOT_DIR = process.env.AIRA_SCREENSHOT_DIR ?? join(import.meta.dirname, "..", "..", "..", "reports", "screenshots");
const LLM_URL = process.env.AIRA_E2E_LLM_URL ?? "http://127.0.0.1:8900";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Saves the page at desktop and phone widths as `<name>-desktop.png` and `<name>-phone.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  for (const [label, size] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`) });
  }
  await page.setViewportSize(original);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Steers the local OpenAI-speaking server: answer latency, injected faults, and a note ending
 * every answer (so a regenerated answer reads differently; "" removes it). */
export async function llmControl(
  request: APIRequestContext,
  change: { latency?: number; fault?: string; count?: number; note?: string; reset?: boolean },
): Promise<void> {
  const response = await request.post(`${LLM_URL}/_control`, { data: change });
  expect(response.ok()).toBe(true);
}

/** The latest answer in the thread. */
export function lastAnswer(page: Page): Locator {
  return page.locator("article.message--assistant").last();
}

/** What the test server answers to `said` (the user's messages so far, oldest first). */
export function expectedAnswer(said: string[]): string {
  const last = said.at(-1) ?? "";
  const before = said.length > 1 ? ` Earlier you said: ${said.at(-2) ?? ""}.` : "";
  return `You said: ${last}.${before} This is answer number ${said.length}.`;
}

/** Samples an answer's length while it streams: how many different partial lengths were seen. */
export async function partialLengthsWhileStreaming(answer: Locator): Promise<Set<number>> {
  const lengths = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const status = await answer.getAttribute("data-status");
    if (status !== "queued" && status !== "running") break;
    const text = (await answer.locator(".markdown").textContent({ timeout: 500 }).catch(() => "")) ?? "";
    if (text) lengths.add(text.length);
    await answer.page().waitForTimeout(100);
  }
  return lengths;
}

/** Accessibility problems axe-core rates serious or critical on the current screen (WCAG A/AA). */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}
