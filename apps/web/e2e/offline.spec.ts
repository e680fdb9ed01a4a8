import { expect, test } from "@playwright/test";

import ko from "../src/i18n/ko";
import { lastAnswer, screenshots } from "./support";

// The platform runs without a language model: every screen says so, and answers still arrive.
test("announces the offline responder and still answers", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel(ko.auth.email).fill(`offline.${Date.now()}@example.com`);
  await page.getByLabel(ko.auth.password).fill("correct-horse-42");
  await page.getByRole("button", { name: ko.auth.createAccount }).click();
  await expect(page).toHaveURL(/\/welcome$/);

  const banner = page.getByRole("status").filter({ hasText: ko.shell.offlineTitle });
  await expect(banner).toContainText(ko.shell.offlineBody);
  await page.getByRole("link", { name: ko.profile.skip }).click();

  const box = page.getByRole("textbox", { name: ko.chat.messageLabel });
  await box.fill("오늘 날씨 어때?");
  await box.press("Enter");
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "done");
  await expect(lastAnswer(page)).toContainText("오프라인 모드");
  await expect(banner).toBeVisible();
  await screenshots(page, "17-offline");
});
