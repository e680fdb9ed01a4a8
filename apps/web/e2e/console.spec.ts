import { expect, type Page, test } from "@playwright/test";

import ko from "../src/i18n/ko";
import { screenshots } from "./support";

// tests/observability/test_console_e2e.py registers this account and makes it an admin with
// `aira-admin grant` before the spec runs.
const ADMIN_EMAIL = process.env.AIRA_E2E_ADMIN_EMAIL ?? "";
const ADMIN_PASSWORD = process.env.AIRA_E2E_ADMIN_PASSWORD ?? "";

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel(ko.auth.email).fill(email);
  await page.getByLabel(ko.auth.password).fill(password);
  await page.getByRole("button", { name: ko.auth.login }).click();
  await expect(page).not.toHaveURL(/\/login$/);
}

test("a member never finds the console", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel(ko.auth.email).fill(`member.${Date.now()}@example.com`);
  await page.getByLabel(ko.auth.password).fill("correct-horse-42");
  await page.getByRole("button", { name: ko.auth.createAccount }).click();
  await expect(page).toHaveURL(/\/welcome$/);
  const menu = page.getByRole("navigation", { name: ko.shell.navigation });
  await expect(menu.getByRole("link", { name: ko.shell.profile })).toBeVisible();
  await expect(menu.getByRole("link", { name: ko.shell.console })).toHaveCount(0);

  await page.goto("/console");
  await expect(page.getByRole("alert")).toContainText(ko.errors.notFound);
});

test("an admin watches the queue and the dead letters", async ({ page }) => {
  expect(ADMIN_EMAIL).not.toBe("");
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const menu = page.getByRole("navigation", { name: ko.shell.navigation });
  await menu.getByRole("link", { name: ko.shell.console }).click();

  await expect(page).toHaveURL(/\/console$/);
  await expect(page.getByRole("heading", { name: ko.console.title, level: 1 })).toBeVisible();
  const queue = page.getByRole("region", { name: ko.console.queue });
  await expect(queue).toContainText(ko.console.waiting);
  await expect(queue).toContainText(ko.console.oldestAge);
  await expect(page.getByText(ko.console.noDeadLetters)).toBeVisible();
  await expect(page.getByRole("button", { name: ko.console.redrive })).toBeDisabled();
  await screenshots(page, "20-console");
});
