import { type BrowserContext, expect, type Page, test } from "@playwright/test";

import en from "../src/i18n/en";
import ko from "../src/i18n/ko";
import {
  expectedAnswer,
  lastAnswer,
  llmControl,
  partialLengthsWhileStreaming,
  PHONE,
  DESKTOP,
  screenshot,
  screenshots,
  seriousA11yViolations,
} from "./support";

// One person's first session, step by step, in Korean (the browser's language) until they switch.
test.describe.configure({ mode: "serial" });

let context: BrowserContext;
let page: Page;
const said: string[] = [];
const email = `minji.${Date.now()}@example.com`;
const password = "correct-horse-42";

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ locale: "ko-KR", viewport: DESKTOP });
  page = await context.newPage();
});

test.afterAll(async () => {
  await context.close();
});

async function send(text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: ko.chat.messageLabel });
  await box.fill(text);
  await box.press("Enter");
  said.push(text);
  await expect(page.locator("article.message--user").last()).toHaveText(text);
}

test("registers, with clear validation messages", async ({ request }) => {
  await llmControl(request, { reset: true, latency: 1 });
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: ko.auth.loginTitle })).toBeVisible();
  await screenshots(page, "01-login");
  expect(await seriousA11yViolations(page)).toEqual([]);

  await page.getByRole("link", { name: ko.auth.register }).click();
  await page.getByLabel(ko.profile.displayName).fill("민지");
  await page.getByLabel(ko.auth.email).fill(email);
  await page.getByLabel(ko.auth.password).fill("short");
  await page.getByRole("button", { name: ko.auth.createAccount }).click();
  await expect(page.getByText(ko.validation.passwordLength)).toBeVisible();
  await screenshots(page, "02-register-invalid");

  await page.getByLabel(ko.auth.password).fill(password);
  await page.getByRole("button", { name: ko.auth.createAccount }).click();
  await expect(page).toHaveURL(/\/welcome$/);
});

test("completes onboarding", async () => {
  await expect(page.getByRole("heading", { name: ko.profile.welcomeTitle })).toBeVisible();
  await page.getByLabel(ko.profile.childName).fill("하린");
  await page.getByLabel(ko.profile.childAge).fill("15");
  await page.getByRole("button", { name: ko.profile.start }).click();
  await expect(page.getByText(ko.validation.age)).toBeVisible();

  await page.getByLabel(ko.profile.childAge).fill("6");
  await page.getByLabel(ko.profile.interests).fill("공룡, 우주");
  await screenshots(page, "03-onboarding");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByRole("button", { name: ko.profile.start }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.getByRole("heading", { name: ko.chat.emptyTitle })).toBeVisible();
  await expect(page).toHaveTitle(`${ko.chat.newConversation} · Aira`);
  await screenshots(page, "04-chat-empty");
});

test("streams an answer token by token", async ({ request }) => {
  await llmControl(request, { latency: 4 });
  await send("안녕 Aira, 오늘 아이와 뭐 하고 놀면 좋을까?");
  await expect(page).toHaveURL(/\/chat\/\d+$/);

  const answer = lastAnswer(page);
  const partials = await partialLengthsWhileStreaming(answer);
  expect(partials.size, "the answer should grow in several steps").toBeGreaterThan(2);
  await expect(answer).toHaveAttribute("data-status", "done");
  await expect(answer.locator(".markdown")).toHaveText(expectedAnswer(said));

  const conversations = page.getByRole("navigation", { name: ko.chat.conversations });
  await expect(conversations.getByRole("link", { name: said[0] })).toBeVisible();
  await screenshots(page, "05-chat-answer");
  expect(await seriousA11yViolations(page)).toEqual([]);
});

test("resumes a streaming answer after a reload", async ({ request }) => {
  await llmControl(request, { latency: 10 });
  await send("공룡이 나오는 잠자리 이야기를 짧게 하나 들려줄래? 주인공은 하린이야.");
  const answer = lastAnswer(page);
  await expect(answer).toHaveAttribute("data-status", "running");
  await expect(answer.locator(".markdown")).toContainText("You said:");

  await page.reload();
  const resumed = lastAnswer(page);
  await expect(resumed).toHaveAttribute("data-status", "running");
  await expect(resumed).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  // Exactly the answer: nothing repeated from before the reload, nothing lost.
  await expect(resumed.locator(".markdown")).toHaveText(expectedAnswer(said));
});

test("stops an answer and keeps what was written", async ({ request }) => {
  await llmControl(request, { latency: 12 });
  await send("우주에 대해 아주 길고 자세하게 설명해 줘.");
  const answer = lastAnswer(page);
  await expect(answer.locator(".markdown")).toContainText("You said:");
  await page.getByRole("button", { name: ko.chat.stop }).click();

  await expect(answer).toHaveAttribute("data-status", "cancelled");
  await expect(answer.getByText(ko.chat.stopped)).toBeVisible();
  await expect(answer.locator(".markdown")).not.toContainText("This is answer number");
  await expect(page.getByRole("button", { name: ko.chat.send })).toBeVisible();
});

test("shows a failed answer's error, and Retry completes it", async ({ request }) => {
  await llmControl(request, { latency: 1, fault: "insufficient_quota", count: 1 });
  await send("그럼 오늘 저녁 메뉴 추천해 줘.");
  const answer = lastAnswer(page);
  await expect(answer).toHaveAttribute("data-status", "failed");
  await expect(answer.getByRole("alert")).toContainText(ko.chat.failedTitle);
  await expect(answer.getByRole("alert")).toContainText(ko.errors.job.insufficient_quota);
  await screenshots(page, "06-chat-failed");

  await answer.getByRole("button", { name: ko.chat.retry }).click();
  await expect(answer).toHaveAttribute("data-status", "done");
  await expect(answer.locator(".markdown")).toContainText("This is answer number");
  await expect(answer.getByRole("alert")).toHaveCount(0);
});

test("regenerates the last answer in place", async ({ request }) => {
  const answer = lastAnswer(page);
  const first = expectedAnswer(said);
  await expect(answer.locator(".markdown")).toHaveText(first);
  const answers = await page.locator("article.message--assistant").count();
  const questions = await page.locator("article.message--user").count();

  await llmControl(request, { latency: 4, note: "Here it is, put another way." });
  await answer.getByRole("button", { name: ko.chat.regenerate }).click();
  // The old text goes at once and the new attempt streams where it was.
  await expect(answer).toHaveAttribute("data-status", /^(queued|running)$/);
  await expect(answer.getByText(first, { exact: true })).toHaveCount(0);
  const partials = await partialLengthsWhileStreaming(answer);
  expect(partials.size, "the new answer should grow in several steps").toBeGreaterThan(2);
  const regenerated = `${first} Here it is, put another way.`;
  expect(Math.max(...partials), "it starts from nothing, not after the old text").toBeLessThanOrEqual(regenerated.length);
  await expect(answer).toHaveAttribute("data-status", "done");
  await expect(answer.locator(".markdown")).toHaveText(regenerated);
  await expect(page.locator("article.message--assistant")).toHaveCount(answers);
  await expect(page.locator("article.message--user")).toHaveCount(questions);

  // The stored answer is the new one.
  await page.reload();
  await expect(lastAnswer(page).locator(".markdown")).toHaveText(regenerated);
  await expect(page.locator("article.message--assistant")).toHaveCount(answers);
  await llmControl(request, { note: "" });
});

test("follows a streaming answer until the reader scrolls up", async ({ request }) => {
  await page.setViewportSize(PHONE);
  await llmControl(request, { latency: 8 });
  await send("마지막으로, 내일 할 일 목록을 정리해 줘.");
  const thread = page.locator(".message-list");
  const distanceFromBottom = () =>
    thread.evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight));
  await expect(lastAnswer(page).locator(".markdown")).toContainText("You said:");
  await expect.poll(distanceFromBottom).toBeLessThan(64);

  await thread.evaluate((el) => el.scrollTo({ top: 0 }));
  const jump = page.getByRole("button", { name: ko.chat.jumpToLatest });
  await expect(jump).toBeVisible();
  await screenshot(page, "07-chat-scrolled-up-phone");
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "done");
  expect(await thread.evaluate((el) => el.scrollTop), "the reader's position is kept").toBe(0);

  await jump.click();
  await expect.poll(distanceFromBottom).toBeLessThan(64);
  await expect(jump).toBeHidden();
  await page.setViewportSize(DESKTOP);
});

test("opens the conversation drawer on a phone", async () => {
  await page.setViewportSize(PHONE);
  await page.getByRole("button", { name: ko.chat.openConversations }).click();
  const drawer = page.getByRole("dialog", { name: ko.chat.conversations });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole("link", { name: said[0] })).toBeInViewport({ ratio: 1 });
  await screenshot(page, "08-chat-drawer-phone");
  await drawer.getByRole("button", { name: ko.common.close }).click();
  await expect(drawer).toBeHidden();
  await page.setViewportSize(DESKTOP);
});

test("writes a story and shows it as pages", async ({ request }) => {
  await llmControl(request, { latency: 3 });
  await page.getByRole("navigation", { name: ko.shell.navigation }).getByRole("link", { name: ko.shell.stories }).click();
  await expect(page.getByLabel(ko.stories.childName)).toHaveValue("하린");
  await expect(page.getByLabel(ko.stories.age)).toHaveValue("6");
  await page.getByLabel(ko.stories.theme).fill("용감한 아기 공룡");
  await page.getByLabel(ko.stories.moral).fill("친구와 나누면 더 즐거워요");
  await screenshots(page, "09-story-form");
  await page.getByRole("button", { name: ko.stories.create }).click();

  await expect(page).toHaveURL(/\/stories\/\d+$/);
  await expect(page.getByRole("status")).toBeVisible();
  await screenshot(page, "10-story-progress-desktop");
  await expect(page.getByRole("heading", { name: "The Echo Story" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("3쪽 중 1쪽")).toBeVisible();
  await screenshots(page, "11-story-page1");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByRole("button", { name: ko.stories.next }).click();
  await page.getByRole("button", { name: ko.stories.next }).click();
  await expect(page.getByText("3쪽 중 3쪽")).toBeVisible();
  await expect(page.getByText("The end.")).toBeVisible();

  await page.getByRole("link", { name: ko.stories.back }).click();
  await expect(page.getByRole("link", { name: /The Echo Story/ })).toBeVisible();
});

test("switches to English and to the dark theme", async () => {
  await page.getByRole("button", { name: ko.shell.switchLanguage }).click();
  const nav = page.getByRole("navigation", { name: en.shell.navigation });
  await expect(nav.getByRole("link", { name: en.shell.stories })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  await nav.getByRole("link", { name: en.shell.chat }).click();
  await page.getByRole("navigation", { name: en.chat.conversations }).getByRole("link").first().click();
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "done");
  await screenshots(page, "12-chat-english");
  await page.getByRole("button", { name: en.shell.darkTheme }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await screenshots(page, "13-chat-dark");
  expect(await seriousA11yViolations(page)).toEqual([]);

  // The choice is remembered: a reload stays in English.
  await page.reload();
  await expect(page.getByRole("navigation", { name: en.shell.navigation })).toBeVisible();
});

test("renames and deletes a conversation, after asking", async () => {
  const list = page.getByRole("navigation", { name: en.chat.conversations });
  await list.getByRole("button", { name: `Rename “${said[0] ?? ""}”` }).click();
  const title = list.getByRole("textbox", { name: en.chat.renameLabel });
  await title.fill("Weekend plans");
  await title.press("Enter");
  await expect(list.getByRole("link", { name: "Weekend plans" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Weekend plans");

  await list.getByRole("button", { name: "Delete “Weekend plans”" }).click();
  const confirm = page.getByRole("alertdialog", { name: en.chat.deleteTitle });
  await expect(confirm.getByRole("button", { name: en.common.cancel })).toBeFocused();
  await screenshots(page, "14-delete-confirm");
  await confirm.getByRole("button", { name: en.common.delete }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(list.getByText(en.chat.noConversations)).toBeVisible();
});

test("shows the profile in English", async () => {
  await page.getByRole("navigation", { name: en.shell.navigation }).getByRole("link", { name: en.shell.profile }).click();
  await expect(page.getByLabel(en.profile.childName)).toHaveValue("하린");
  await expect(page.getByLabel(en.profile.language)).toHaveValue("en");
  await screenshots(page, "15-profile-dark");
});

test("logs out", async () => {
  await page.getByRole("button", { name: en.shell.logout }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: en.auth.loginTitle })).toBeVisible();
  await page.goto("/chat");
  await expect(page).toHaveURL(/\/login$/);
});

test("logs back in, after a clear message for a wrong password", async () => {
  await page.getByLabel(en.auth.email).fill(email);
  await page.getByLabel(en.auth.password).fill("not-the-password");
  await page.getByRole("button", { name: en.auth.login }).click();
  await expect(page.getByRole("alert")).toHaveText(en.auth.wrongCredentials);
  await screenshots(page, "16-login-wrong-password");

  await page.getByLabel(en.auth.password).fill(password);
  await page.getByRole("button", { name: en.auth.login }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await page.getByRole("navigation", { name: en.shell.navigation }).getByRole("link", { name: en.shell.stories }).click();
  await expect(page.getByRole("link", { name: /The Echo Story/ })).toBeVisible();
});
