/**
 * The dashboard in a real Chromium (Debian's /usr/bin/chromium through playwright-core; no
 * browser is ever downloaded) against the real server: buildApp over the Redis job service, an
 * in-process worker, an API key. A job is submitted while no worker runs, its page is opened
 * (the key entered in the page's prompt), then the worker starts, so every epoch reaches the
 * page live. Checks: the information plane ends with one point per epoch, the metrics table
 * equals GET /v1/jobs/:id/metrics, the usage sums, the CSV download, the job list row.
 * A screenshot goes to test-artifacts/ (gitignored).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchedChromium, launchChromium } from "../../bench/chromium.js";
import { defaultDashboardRoot } from "../../src/api/routes/dashboard.js";
import { buildDashboard } from "../../web/build.mjs";
import { type ForestComparison, forestPlotSvg, pairCountText } from "../../web/charts/forest.js";
import { fixed, meanStd, percent, significant } from "../../web/format.js";
import {
  chromiumFor,
  enterKey,
  openWithKey,
  screenshot,
  useDashboardServer,
} from "../helpers/dashboard-browser.js";
import { waitFor } from "../jobs/helpers.js";

const chromiumPresent = chromiumFor("test/web/dashboard.test.ts");

const API_KEY = "dashboard-test-key-5f0c2a9e1b7d";
const EPOCHS = 12;

interface ApiEpoch {
  readonly epoch: number;
  readonly [field: string]: number | null | string | boolean;
}

describe.skipIf(!chromiumPresent)("dashboard in Chromium against the real server", () => {
  let browser: LaunchedChromium;

  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.base}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        "content-type": "application/json",
        ...init.headers,
      },
    });
    expect(response.status, `${init.method ?? "GET"} ${path}`).toBeLessThan(300);
    return response;
  };
  /** POSTs `body` to a collection (jobs, experiments) and returns the created id. */
  const create = async (path: string, body: unknown): Promise<string> => {
    const response = await call(path, { method: "POST", body: JSON.stringify(body) });
    return ((await response.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    if (!existsSync(join(defaultDashboardRoot(), "index.html"))) {
      // `npm test` builds first; a lone `vitest run` of this file builds the bundle itself
      await buildDashboard();
    }
  }, 60_000);

  const server = useDashboardServer("dashboard", API_KEY);

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  }, 60_000);

  it("serves the dashboard shell at / and the client routes, hidden from OpenAPI", async () => {
    for (const path of ["/", "/jobs/job_x", "/experiments", "/experiments/exp_x"]) {
      const response = await fetch(`${server.base}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    }
    const html = await (await fetch(server.base)).text();
    const script = html.match(/src="(\/assets\/app-[A-Z0-9]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${server.base}/assets/missing.js`)).status).toBe(404);
    const document = (await (await fetch(`${server.base}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(
      Object.keys(document.paths).filter(
        (path) => !path.startsWith("/v1/") && path.includes("jobs"),
      ),
    ).toEqual([]);
    expect(document.paths["/"]).toBeUndefined();
  });

  it("follows a job live to its last epoch; the table, usage and CSV equal the API's", async () => {
    const id = await create("/v1/jobs", {
      name: "dashboard moons",
      tags: ["browser-test"],
      dataset: { name: "moons", samples: 48 },
      model: { qubits: 2, layers: 1 },
      training: { epochs: EPOCHS },
      feedback: { mode: "loss" },
    });

    const { page, pageErrors } = await openWithKey(browser, `${server.base}/jobs/${id}`, API_KEY);
    await page.locator(".page-head .badge", { hasText: "queued" }).waitFor();
    // only now does anything run: every epoch reaches the page through its event stream
    await server.startWorker();

    const plane = page.locator("figure.infoplane");
    await page.locator(`figure.infoplane[data-points="${EPOCHS}"]`).waitFor({ timeout: 60_000 });
    await page.locator(".page-head .badge", { hasText: "completed" }).waitFor({ timeout: 30_000 });
    expect(await plane.getAttribute("data-points")).toBe(String(EPOCHS));

    const { metrics } = (await (await call(`/v1/jobs/${id}/metrics`)).json()) as {
      metrics: ApiEpoch[];
    };
    expect(metrics.map((record) => record.epoch)).toEqual(
      Array.from({ length: EPOCHS }, (_, i) => i + 1),
    );
    const table = page.locator('table[data-table="metrics"]');
    const column = (field: string) =>
      table.locator(`tbody td[data-field="${field}"]`).allTextContents();
    expect(await column("epoch")).toEqual(metrics.map((record) => String(record.epoch)));
    for (const field of [
      "trainLoss",
      "testLoss",
      "trainAccuracy",
      "testAccuracy",
      "ixt",
      "ity",
      "ht",
    ]) {
      expect(await column(field), field).toEqual(
        metrics.map((record) => (record[field] as number).toFixed(4)),
      );
    }
    // I(X;T) ≥ 0.9·log2 N marked per epoch
    expect(await column("saturated")).toEqual(
      metrics.map((record) => (record.saturated ? "yes" : "no")),
    );
    const sum = (field: string) =>
      metrics.reduce((total, record) => total + (record[field] as number), 0);
    expect(await page.locator('[data-usage="submissions"]').textContent()).toBe(
      sum("submissions").toLocaleString("en-US"),
    );
    expect(await page.locator('[data-usage="evaluations"]').textContent()).toBe(
      sum("circuitEvaluations").toLocaleString("en-US"),
    );
    // the feedback's I* is marked: every record carries the same target
    expect(metrics[0]!.compressionTarget).toEqual(expect.any(Number));
    // the summary's learning-rate dose and feedback reachability, once the run has ended
    const { summary } = (await (await call(`/v1/jobs/${id}`)).json()) as {
      summary: { meanLearningRate: number; feedbackReachable: boolean };
    };
    const steering = page.locator('[data-role="steering"]', { hasText: "mean η" });
    await steering.waitFor();
    expect(await steering.textContent()).toContain(
      `mean η ${summary.meanLearningRate.toPrecision(4)} · feedback target ${summary.feedbackReachable ? "reachable" : "unreachable"}`,
    );

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator('[data-action="csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${id}-metrics.csv`);
    const csv = readFileSync(await download.path(), "utf8");
    expect(csv).toBe(await (await call(`/v1/jobs/${id}/metrics?format=csv`)).text());
    expect(await page.locator('[data-action="cancel"]').isDisabled()).toBe(true);

    await screenshot(page, "dashboard-job");

    // the list, reached through the nav link (the key is kept in the tab's session storage)
    await page.locator("header nav a", { hasText: "Jobs" }).click();
    const row = page.locator(`tr[data-job="${id}"]`);
    await row.waitFor();
    await row.locator(".badge", { hasText: "completed" }).waitFor();
    const last = metrics[metrics.length - 1]!;
    expect(await row.locator('[data-field="metric"]').textContent()).toBe(
      `acc ${((last.testAccuracy as number) * 100).toFixed(1)}%`,
    );
    expect(await row.locator(".progress-label").textContent()).toBe(`${EPOCHS} / ${EPOCHS}`);
    await screenshot(page, "dashboard-jobs", { fullPage: false });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows an experiment's arms: trajectories, bands, the aggregate table, the comparisons", async () => {
    await server.startWorker();
    const id = await create("/v1/experiments", {
      name: "dashboard sweep",
      spec: {
        dataset: { name: "moons", samples: 40 },
        model: { qubits: 2, layers: 1 },
        training: { epochs: 4 },
      },
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
      compare: { baseline: { "feedback.mode": "off" } },
      threshold: { metric: "testAccuracy", value: 0.6 },
    });
    interface Stat {
      mean: number | null;
      std: number | null;
      n: number;
    }
    interface Arm {
      key: string;
      jobs: number;
      completed: number;
      finalMetric: Stat;
      stepsToThreshold: Stat & { censored: number; split?: string };
      finalIxt: Stat;
      finalIty: Stat;
      feedbackUnreachable?: { count: number; of: number };
    }
    interface Comparison extends ForestComparison {
      baseline: string;
      wilcoxonP: number;
      censored?: { arm: number; baseline: number };
      split?: string;
    }
    const view = await waitFor(
      async () => {
        const body = (await (await call(`/v1/experiments/${id}`)).json()) as {
          status: string;
          arms: Arm[];
          comparisons: Comparison[];
        };
        return body.status === "completed" ? body : undefined;
      },
      `experiment ${id} to complete`,
      90_000,
      200,
    );
    expect(view.arms).toHaveLength(2);
    // every child completed: nothing unpaired, every completed run counted towards steps
    for (const comparison of view.comparisons) {
      expect(pairCountText(comparison)).toBe("n = 2");
    }
    expect(view.arms.map((arm) => [arm.stepsToThreshold.n, arm.stepsToThreshold.split])).toEqual([
      [2, "train"],
      [2, "train"],
    ]);
    // lr vs off on the final test accuracy and on steps to the threshold
    expect(view.comparisons.map((c) => [c.arm, c.metric])).toEqual([
      ["feedback.mode=lr", "testAccuracy"],
      ["feedback.mode=lr", "stepsToThreshold"],
    ]);
    expect(view.arms[0]!.feedbackUnreachable).toBeUndefined();
    expect(view.arms[1]!.feedbackUnreachable).toMatchObject({ of: 2 });

    const { page } = await openWithKey(browser, `${server.base}/experiments/${id}`, API_KEY);
    // 2 arms × 4 epochs of mean trajectories
    await page.locator('figure.infoplane[data-points="8"]').waitFor({ timeout: 30_000 });
    const text = (stat: Stat) => `${stat.mean!.toFixed(4)} ± ${stat.std!.toFixed(4)}`;
    for (const arm of view.arms) {
      const cells = await page.locator(`tr[data-arm="${arm.key}"] td`).allTextContents();
      expect(cells).toEqual([
        arm.key,
        `${arm.completed} / ${arm.jobs}`,
        `${text(arm.finalMetric)} (n=${arm.finalMetric.n})`,
        // steps on the validation split if the runs have one, else training: never the test split
        `${meanStd(arm.stepsToThreshold.mean, arm.stepsToThreshold.std, 1)} (${arm.stepsToThreshold.censored} / ${arm.stepsToThreshold.n}, train)`,
        text(arm.finalIxt),
        text(arm.finalIty),
        arm.feedbackUnreachable
          ? `${arm.feedbackUnreachable.count} / 2 (${percent(arm.feedbackUnreachable.count / 2)})`
          : "–",
      ]);
    }
    // the forest plot: one row per comparison, its points where forestPlotSvg puts them
    const forest = page.locator("[data-panel=comparisons] svg.forest");
    const rows = forest.locator("g.forest-row");
    expect(await rows.count()).toBe(view.comparisons.length);
    for (const [index, comparison] of view.comparisons.entries()) {
      const row = rows.nth(index);
      expect(await row.getAttribute("data-arm")).toBe(comparison.arm);
      expect(await row.getAttribute("data-metric")).toBe(comparison.metric);
    }
    const expectedCx = [
      ...forestPlotSvg(view.comparisons).matchAll(/<circle class="median[^"]*" cx="([^"]+)"/g),
    ].map((m) => m[1]);
    expect(
      await forest
        .locator("circle.median")
        .evaluateAll((cs) => cs.map((c) => c.getAttribute("cx"))),
    ).toEqual(expectedCx);
    expect(await forest.locator("text.axis-label").allTextContents()).toEqual([
      "Δ test accuracy (arm − baseline)",
      "Δ steps to threshold (arm − baseline; lower is better)",
    ]);
    for (const comparison of view.comparisons) {
      const digits = comparison.metric === "stepsToThreshold" ? 1 : 4;
      const cells = await page
        .locator(`tr[data-comparison="${comparison.arm}|${comparison.metric}"] td`)
        .allTextContents();
      expect(cells).toEqual([
        "feedback.mode=lr",
        "feedback.mode=off",
        comparison.metric === "testAccuracy"
          ? "test accuracy"
          : `steps to threshold (${comparison.split})`,
        pairCountText(comparison),
        `${fixed(comparison.medianDiff, digits)} [${fixed(comparison.ci95[0], digits)}, ${fixed(comparison.ci95[1], digits)}]`,
        significant(comparison.wilcoxonP),
        significant(comparison.holmP),
        comparison.censored ? `${comparison.censored.arm} / ${comparison.censored.baseline}` : "–",
      ]);
    }
    expect(await page.locator(".page-head .badge").textContent()).toBe("completed");
    await screenshot(page, "dashboard-experiment");

    await page.locator("header nav a", { hasText: "Experiments" }).click();
    await page.locator(`tr[data-experiment="${id}"] .badge`, { hasText: "completed" }).waitFor();
    const listed = await page.locator(`tr[data-experiment="${id}"] td`).allTextContents();
    expect(listed.slice(1, 4)).toEqual(["completed", "2", "4 / 4"]);
    await screenshot(page, "dashboard-experiments", { fullPage: false });
    await page.close();
  }, 150_000);

  it("lists a new job live, filters it, and cancels it from its page", async () => {
    await server.startWorker();
    const page = await browser.context.newPage();
    await page.goto(`${server.base}/`);
    // a wrong key is refused and asked for again; the page loads once the right one is in
    await page.locator("#key-input").fill("not-the-key-0123456789");
    await page.locator("#key-input").press("Enter");
    await page.locator("#key-reason", { hasText: "The key was refused" }).waitFor();
    await enterKey(page, API_KEY);
    await page.locator("h1", { hasText: "Jobs" }).waitFor();
    await page.locator("tr[data-job]").first().waitFor();
    // minutes of training unless cancelled
    const id = await create("/v1/jobs", {
      name: "dashboard long",
      tags: ["to-cancel"],
      dataset: { name: "moons", samples: 4000 },
      model: { qubits: 10, layers: 6 },
      training: { epochs: 500 },
    });
    // the row arrives through GET /v1/events, without a reload
    const row = page.locator(`tr[data-job="${id}"]`);
    await row.locator(".badge", { hasText: "running" }).waitFor({ timeout: 60_000 });
    expect(await row.locator("td").nth(5).textContent()).toBe("off");

    await page.locator('input[name="tag"]').fill("no-such-tag");
    await row.waitFor({ state: "hidden" });
    await page.locator('input[name="tag"]').fill("to-cancel");
    await row.waitFor({ state: "visible" });
    await page.locator('select[name="status"]').selectOption("completed");
    await row.waitFor({ state: "hidden" });
    await page.locator('select[name="status"]').selectOption("running");
    await row.waitFor({ state: "visible" });

    await row.locator("a").first().click();
    await page.waitForURL(`${server.base}/jobs/${id}`);
    const cancel = page.locator('[data-action="cancel"]');
    await cancel.waitFor();
    expect(await cancel.isDisabled()).toBe(false);
    await cancel.click();
    await page.locator(".page-head .badge", { hasText: "cancelled" }).waitFor({ timeout: 30_000 });
    expect(((await (await call(`/v1/jobs/${id}`)).json()) as { status: string }).status).toBe(
      "cancelled",
    );
    expect(await cancel.isDisabled()).toBe(true);

    await page.goBack();
    await page.locator(`tr[data-job="${id}"] .badge`, { hasText: "cancelled" }).waitFor();
    await page.close();
  }, 120_000);
});
