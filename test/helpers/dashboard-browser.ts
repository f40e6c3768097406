/**
 * Shared by the dashboard's browser tests (test/web/): whether Debian's Chromium is here (a
 * warning names the skipped file when not), the real server they drive with its one API key,
 * a page opened with the API key typed into its prompt and its errors collected, and
 * screenshots.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ConsoleMessage, Page } from "playwright-core";
import { CHROMIUM_PATH, hasChromium, type LaunchedChromium } from "../../bench/chromium.js";
import type { ApiOptions } from "../../src/api/app.js";
import { type RealServer, useRealServer } from "./real-server.js";

/** Screenshots go here (gitignored). */
export const ARTIFACTS = join(process.cwd(), "test-artifacts");

/** Whether Chromium is installed; warns that `file` is skipped when it is not. */
export function chromiumFor(file: string): boolean {
  const present = hasChromium();
  if (!present) {
    console.warn(
      `${file} SKIPPED: ${CHROMIUM_PATH} is absent. Install Debian's Chromium ` +
        "(apt-get install -y chromium; .ci/run does this) to run the dashboard browser test.",
    );
  }
  return present;
}

/**
 * The real server named `name` with `buildApp` over its services: `apiKey` its only key, no
 * rate limit (a page makes many requests), plus what `extra` adds (called as the server starts).
 */
export function useDashboardServer(
  name: string,
  apiKey: string,
  extra: () => Partial<ApiOptions> = () => ({}),
): RealServer {
  return useRealServer(name, {
    app: ({ jobs, experiments }) => ({
      service: jobs,
      experiments,
      apiKeys: [apiKey],
      log: false,
      limits: { rateLimitPerMinute: 0 },
      ...extra(),
    }),
    hookTimeoutMs: 60_000,
  });
}

/** Answers the page's key prompt with `key`. */
export async function enterKey(page: Page, key: string): Promise<void> {
  const input = page.locator("#key-input");
  await input.waitFor({ state: "visible" });
  await input.fill(key);
  await input.press("Enter");
  await input.waitFor({ state: "hidden" });
}

/** The first API request is refused (no key yet): that 401 is what opens the key prompt. */
const keyPromptError = (message: ConsoleMessage) => message.text().includes("status of 401");

/** The page's uncaught errors and its console errors from now on, but the `expected` ones. */
export function pageErrorsOf(
  page: Page,
  expected: (message: ConsoleMessage) => boolean = keyPromptError,
): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !expected(message)) {
      errors.push(`${message.text()} (${message.location().url})`);
    }
  });
  return errors;
}

/** A page the test drives, and the errors it has shown so far (see `pageErrorsOf`). */
export interface WatchedPage {
  readonly page: Page;
  readonly pageErrors: string[];
}

/**
 * A new page of `browser` at `url`, its errors collected from the start (all but the
 * `expected` ones), once `apiKey` is entered in its prompt.
 */
export async function openWithKey(
  browser: LaunchedChromium,
  url: string,
  apiKey: string,
  expected?: (message: ConsoleMessage) => boolean,
): Promise<WatchedPage> {
  const page = await browser.context.newPage();
  const pageErrors = pageErrorsOf(page, expected);
  await page.goto(url);
  await enterKey(page, apiKey);
  return { page, pageErrors };
}

/** Saves `page` as test-artifacts/`name`.png: the whole page, or with `fullPage: false` the viewport. */
export async function screenshot(
  page: Page,
  name: string,
  { fullPage = true }: { readonly fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}
