/**
 * The job page's "Compare on the information plane" in a real Chromium (Debian's
 * /usr/bin/chromium through playwright-core) against the API over the in-memory job service,
 * whose epochs the test writes itself: a finished device run and its twin (the same spec on
 * another backend) still running. Choosing the twin overlays its trajectory; the chart's values
 * table holds both series' exact values, the legend names each run with its test metric, and
 * the twin's later epochs arrive live.
 */
import type { FastifyInstance } from "fastify";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchedChromium, launchChromium } from "../../bench/chromium.js";
import { buildApp } from "../../src/api/app.js";
import { localBackendResolver } from "../../src/backends/registry.js";
import { FakeJobService, sampleEpoch } from "../api/fake-job-service.js";
import { spec, submit, TEST_LIMITS } from "../api/helpers.js";
import { chromiumFor, openWithKey, screenshot } from "../helpers/dashboard-browser.js";
import { listen } from "../security/http.js";

const chromiumPresent = chromiumFor("test/web/overlay.test.ts");

const API_KEY = "overlay-test-key-8d3e1f6a";
const EPOCHS = 4;
const training = { epochs: EPOCHS };
const DEVICE = spec({ training, backend: { name: "ibm-fake", shots: 200, maxCost: 3 } });
const TWIN = spec({ training, backend: { name: "ibm-fake-twin", shots: 200 } });
/** Another spec (other shots): never offered for comparison. */
const OTHER = spec({ training, backend: { name: "ibm-fake-twin", shots: 100 } });

/** An epoch's I(X;T), I(T;Y) and test accuracy. */
type EpochValues = readonly [ixt: number, ity: number, testAccuracy: number];
/** Epoch by epoch: the device run's values, then its twin's. */
const EPOCH_VALUES: readonly (readonly [...EpochValues, ...EpochValues])[] = [
  [0.5, 0.1, 0.6, 0.55, 0.08, 0.55],
  [0.75, 0.2, 0.65, 0.8125, 0.16, 0.6],
  [1, 0.3, 0.7, 1.0625, 0.24, 0.62],
  [1.25, 0.4, 0.75, 1.3, 0.3125, 0.64],
];
const DEVICE_EPOCHS = EPOCH_VALUES.map(([ixt, ity, acc]): EpochValues => [ixt, ity, acc]);
const TWIN_EPOCHS = EPOCH_VALUES.map(([, , , ixt, ity, acc]): EpochValues => [ixt, ity, acc]);

describe.skipIf(!chromiumPresent)("comparing a run with its twin on the information plane", () => {
  let browser: LaunchedChromium;
  let app: FastifyInstance;
  let base: string;
  const service = new FakeJobService({ limits: TEST_LIMITS });
  const headers = { authorization: `Bearer ${API_KEY}` };

  beforeAll(async () => {
    const provider = localBackendResolver("local").provider;
    app = await buildApp({
      service,
      apiKeys: [API_KEY],
      log: false,
      limits: { ...TEST_LIMITS, rateLimitPerMinute: 0 },
      backends: ["local", "ibm-fake", "ibm-fake-twin"].map((name) => ({ name, provider })),
    });
    base = await listen(app);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  }, 60_000);

  /** Writes `epochs` of run `id`, numbered from `first`. */
  const writeEpochs = (id: string, epochs: readonly EpochValues[], first = 1) => {
    epochs.forEach(([ixt, ity, testAccuracy], i) => {
      service.epoch(id, sampleEpoch(first + i, { ixt, ity, testAccuracy }));
    });
  };

  /** The chart's values table, one [run, epoch, I(X;T), I(T;Y)] per row. */
  const valueRows = (page: Page) =>
    page
      .locator('table[data-table="infoplane-values"] tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent)),
      );
  const expectedRows = (label: string, epochs: readonly EpochValues[]) =>
    epochs.map(([ixt, ity], i) => [label, String(i + 1), ixt.toFixed(4), ity.toFixed(4)]);

  it("overlays the twin chosen on the device run's page, live, with a legend naming both", async () => {
    const device = await submit(app, DEVICE, headers);
    const twin = await submit(app, TWIN, headers);
    await submit(app, OTHER, headers);
    service.start(device);
    writeEpochs(device, DEVICE_EPOCHS);
    service.complete(device);
    service.start(twin);
    writeEpochs(twin, TWIN_EPOCHS.slice(0, 2));

    const { page, pageErrors } = await openWithKey(browser, `${base}/jobs/${device}`, API_KEY);
    await page.locator(`figure.infoplane[data-points="${EPOCHS}"]`).waitFor();

    const compare = page.locator('[data-role="compare"]');
    expect(await compare.locator("h2").textContent()).toBe("Compare on the information plane");
    const select = compare.locator('select[data-action="compare-run"]');
    await select.locator(`option[value="${twin}"]`).waitFor({ state: "attached" });
    // the twin only: not this run, not the run of another spec
    expect(await select.locator("option").allTextContents()).toEqual([
      "none",
      `ibm-fake-twin · ${twin} · running`,
    ]);
    expect(await compare.locator('[data-role="compare-legend"] li').count()).toBe(0);

    await select.selectOption(twin);
    await page.locator(`figure.infoplane[data-points="${EPOCHS + 2}"]`).waitFor();
    await page.locator("figure.infoplane details.plane-values summary").click();
    // the rows are built on the toggle event, a task after the click
    await page
      .locator('table[data-table="infoplane-values"] tbody tr')
      .nth(EPOCHS + 1)
      .waitFor({ state: "attached" });
    const deviceLabel = `ibm-fake · ${device}`;
    const twinLabel = `ibm-fake-twin · ${twin}`;
    expect(await valueRows(page)).toEqual([
      ...expectedRows(deviceLabel, DEVICE_EPOCHS),
      ...expectedRows(twinLabel, TWIN_EPOCHS.slice(0, 2)),
    ]);
    const legend = compare.locator('[data-role="compare-legend"] li');
    expect(await legend.allTextContents()).toEqual([
      `this run: ${deviceLabel} — final test acc 75.0%`,
      `${twinLabel} (running) — test acc 60.0% at epoch 2 of 4`,
    ]);
    // distinct colour and marker per run
    expect(
      await legend
        .locator(".swatch")
        .evaluateAll((swatches) =>
          swatches.map((swatch) => [swatch.className, swatch.getAttribute("style")]),
        ),
    ).toEqual([
      ["swatch marker-circle", expect.stringContaining("linear-gradient(to right, rgb(68, 1, 84)")],
      ["swatch marker-square", "background-color: rgb(213, 94, 0);"],
    ]);

    // the twin's last epochs and its end reach the overlay through its event stream
    writeEpochs(twin, TWIN_EPOCHS.slice(2), 3);
    service.complete(twin);
    await page.locator(`figure.infoplane[data-points="${2 * EPOCHS}"]`).waitFor();
    await legend.filter({ hasText: "(completed)" }).waitFor();
    expect(await valueRows(page)).toEqual([
      ...expectedRows(deviceLabel, DEVICE_EPOCHS),
      ...expectedRows(twinLabel, TWIN_EPOCHS),
    ]);
    expect(await legend.allTextContents()).toEqual([
      `this run: ${deviceLabel} — final test acc 75.0%`,
      `${twinLabel} (completed) — final test acc 64.0%`,
    ]);

    // "none" takes the overlay away again
    await select.selectOption("");
    await page.locator(`figure.infoplane[data-points="${EPOCHS}"]`).waitFor();
    expect(await valueRows(page)).toEqual(expectedRows("this run", DEVICE_EPOCHS));
    expect(await legend.count()).toBe(0);

    // and the other way round: the twin's page offers the device run
    await page.goto(`${base}/jobs/${twin}`);
    await select.locator(`option[value="${device}"]`).waitFor({ state: "attached" });
    expect(await select.locator("option").allTextContents()).toEqual([
      "none",
      `ibm-fake · ${device} · completed`,
    ]);
    await select.selectOption(device);
    await page.locator(`figure.infoplane[data-points="${2 * EPOCHS}"]`).waitFor();
    await screenshot(page, "dashboard-overlay");
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);
});
