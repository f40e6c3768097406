/**
 * Shared by the dashboard's browser tests (test/web/): whether Debian's Chromium is here (a
 * warning names the skipped file when not), the API key typed into the page's prompt, and
 * the page's errors collected.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { CHROMIUM_PATH, hasChromium } from "../../bench/chromium.js";

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

/** Answers the page's key prompt with `key`. */
export async function enterKey(page: Page, key: string): Promise<void> {
  const input = page.locator("#key-input");
  await input.waitFor({ state: "visible" });
  await input.fill(key);
  await input.press("Enter");
  await input.waitFor({ state: "hidden" });
}

/** The page's uncaught errors and console errors from now on (the first 401 aside). */
export function pageErrorsOf(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    // the first API request is refused (no key yet): that 401 is what opens the key prompt
    if (message.type() === "error" && !message.text().includes("status of 401")) {
      errors.push(`${message.text()} (${message.location().url})`);
    }
  });
  return errors;
}
