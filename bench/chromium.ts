/**
 * Debian's Chromium driven by playwright-core, shared by the dashboard's browser test and its
 * bench. Never downloads a browser: it runs /usr/bin/chromium (`apt-get install -y chromium`)
 * with a fresh profile directory that `close()` removes.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);

export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(
  viewport = { width: 1400, height: 1000 },
): Promise<LaunchedChromium> {
  const profile = await mkdtemp(join(tmpdir(), "qplane-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport,
      acceptDownloads: true,
    });
    return {
      context,
      async close() {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
