/**
 * Dashboard benchmark in Debian's Chromium (playwright-core): the page's speed, not the API's.
 * The built assets are served by the real dashboard plugin; the `/v1` API is answered in the
 * browser (playwright routes) with synthetic jobs, so no Redis or training is needed.
 *
 * - first paint / first contentful paint of `/` (fresh profile each run; target < 1 s);
 * - the job list with 50 jobs: time to show them, and ms per live event (one row changes)
 *   against rebuilding all 50 rows;
 * - the job page appending 2,000 epochs one at a time (charts, table row, usage): ms per
 *   appended epoch, against rendering all 2,000 from scratch; and the frame interval while one
 *   epoch arrives per frame at 1,700-2,000 epochs;
 * - the New job editor: ms per keystroke (the backdrop of line numbers and marks redrawn, with
 *   layout) in a 2,000-line spec, against the same keystroke in a plain textarea.
 *
 *   npm run bench:dashboard
 */
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import type { Page, Route } from "playwright-core";
import { dashboardRoutes, defaultDashboardRoot } from "../src/api/routes/dashboard.js";
import { CHROMIUM_PATH, hasChromium, launchChromium } from "./chromium.js";

const JOBS = 50;
const EPOCHS = 2_000;
const PAINT_RUNS = 5;

function syntheticJob(index: number) {
  const created = new Date(Date.UTC(2026, 0, 1, 0, 0, JOBS - index)).toISOString();
  return {
    id: `job_bench_${String(index).padStart(2, "0")}`,
    status: index % 3 === 0 ? "completed" : "running",
    name: `bench job ${index}`,
    tags: [`group-${index % 4}`],
    progress: { epoch: 10, epochs: EPOCHS },
    etaSeconds: 100,
    latest: null,
    summary: null,
    error: null,
    createdAt: created,
    startedAt: created,
    finishedAt: null,
    cancelRequested: false,
    attempts: 1,
    specHash: null,
    spec: {
      dataset: { name: index % 2 === 0 ? "moons" : "iris" },
      model: { qubits: 4, layers: 2 },
      training: { epochs: EPOCHS, seed: index },
      feedback: { mode: ["off", "loss", "lr"][index % 3], alpha: 1 },
      infoPlane: {},
      backend: { name: "local" },
    },
  };
}

/** Answers the page's `/v1` requests; event streams are left open (never answered). */
async function fakeApi(route: Route): Promise<void> {
  const url = new URL(route.request().url());
  const path = url.pathname;
  const json = (body: unknown) =>
    route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
  if (path === "/v1/jobs")
    return json({
      jobs: Array.from({ length: JOBS }, (_, i) => syntheticJob(i)),
      nextCursor: null,
    });
  if (path.endsWith("/events")) return; // held open, as a live stream would be
  if (path.endsWith("/metrics")) return json({ metrics: [] });
  const job = path.match(/^\/v1\/jobs\/([^/]+)$/);
  if (job) return json({ ...syntheticJob(0), id: decodeURIComponent(job[1]!), status: "running" });
  return route.fulfill({
    status: 404,
    contentType: "application/json",
    body: '{"error":{"code":"X","message":"not faked"}}',
  });
}

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    mean,
    p50: sorted[Math.floor(sorted.length * 0.5)]!,
    p95: sorted[Math.floor(sorted.length * 0.95)]!,
    max: sorted[sorted.length - 1]!,
  };
};
const ms = (value: number) => `${value.toFixed(3)} ms`;

// In-page code is passed as strings: this file is compiled without the DOM library.
const SETTLE = `const settle = () => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(0);
});`;

const RECORDS = `const records = Array.from({ length: ${EPOCHS} }, (_, i) => {
  const t = (i + 1) / ${EPOCHS};
  return {
    epoch: i + 1, trainLoss: 0.7 * Math.exp(-3 * t) + 0.1, testLoss: 0.75 * Math.exp(-2.8 * t) + 0.12,
    trainAccuracy: 0.5 + 0.45 * (1 - Math.exp(-4 * t)), testAccuracy: 0.5 + 0.42 * (1 - Math.exp(-4 * t)),
    learningRate: 0.05 * (1 - 0.5 * t), ixt: 1.5 + Math.sin(6 * t) * 0.4 - 0.3 * t, ity: 0.2 + 0.6 * t,
    hy: 1, ht: 1.8, compressionPenalty: Math.abs(1.2 - 1.5 - Math.sin(6 * t) * 0.4), compressionTarget: 1.2, alpha: 1,
    estimator: "exact", shots: 0, circuitEvaluations: 120, submissions: 3, shotsUsed: 0, estimatedCostUsd: 0, elapsedMs: 12,
  };
});`;

async function firstPaint(base: string): Promise<void> {
  const paints: { fp: number; fcp: number; listed: number }[] = [];
  for (let run = 0; run < PAINT_RUNS; run++) {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.route("**/v1/**", fakeApi);
      await page.goto(`${base}/`);
      await page
        .locator("tr[data-job]")
        .nth(JOBS - 1)
        .waitFor();
      const listed = (await page.evaluate("performance.now()")) as number;
      const entries = JSON.parse(
        (await page.evaluate("JSON.stringify(performance.getEntriesByType('paint'))")) as string,
      ) as { name: string; startTime: number }[];
      const at = (name: string) =>
        entries.find((entry) => entry.name === name)?.startTime ?? Number.NaN;
      paints.push({ fp: at("first-paint"), fcp: at("first-contentful-paint"), listed });
    } finally {
      await browser.close();
    }
  }
  const fp = stats(paints.map((p) => p.fp));
  const fcp = stats(paints.map((p) => p.fcp));
  const listed = stats(paints.map((p) => p.listed));
  console.log(
    `first paint of /                  median ${ms(fp.p50)}  (max ${ms(fp.max)}, ${PAINT_RUNS} cold runs)`,
  );
  console.log(
    `first contentful paint of /       median ${ms(fcp.p50)}  (max ${ms(fcp.max)}; target < 1000 ms)`,
  );
  console.log(`50 jobs listed after navigation   median ${ms(listed.p50)}`);
}

async function jobList(page: Page): Promise<void> {
  await page.goto(`${page.url().split("/jobs")[0]}/`);
  await page
    .locator("tr[data-job]")
    .nth(JOBS - 1)
    .waitFor();
  const result = (await page.evaluate(`(async () => {
    ${SETTLE}
    const view = window.qplaneDashboard.page;
    const ids = Array.from({ length: ${JOBS} }, (_, i) => "job_bench_" + String(i).padStart(2, "0"));
    const perEvent = [];
    for (let i = 0; i < 2000; i++) {
      const start = performance.now();
      const epoch = 11 + Math.floor(i / ${JOBS});
      view.applyEvent(i % 2 === 0
        ? { jobId: ids[i % ${JOBS}], type: "progress", epoch, epochs: ${EPOCHS}, step: 5, stepsPerEpoch: 10 }
        : { jobId: ids[i % ${JOBS}], type: "metric", record: { epoch, testAccuracy: (i % 100) / 100, trainLoss: 1, testLoss: 1 } });
      document.body.offsetHeight; // style and layout of the change, not just the DOM write
      perEvent.push(performance.now() - start);
      if (i % 50 === 0) await settle();
    }
    const rebuild = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      view.rebuild();
      document.body.offsetHeight;
      rebuild.push(performance.now() - start);
      await settle();
    }
    return { perEvent, rebuild, rows: view.rows };
  })()`)) as { perEvent: number[]; rebuild: number[]; rows: number };
  const event = stats(result.perEvent);
  const rebuild = stats(result.rebuild);
  console.log(
    `job list (${result.rows} rows): live event   median ${ms(event.p50)}  p95 ${ms(event.p95)}  (one row updated, incl. layout)`,
  );
  console.log(
    `job list: rebuild all rows         median ${ms(rebuild.p50)}  p95 ${ms(rebuild.p95)}  (${(rebuild.p50 / event.p50).toFixed(0)}× an event)`,
  );
}

async function jobPage(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/jobs/job_bench_page`);
  await page.locator(".page-head").waitFor();
  const result = (await page.evaluate(`(async () => {
    ${SETTLE}
    ${RECORDS}
    const views = window.qplaneDashboard.page.epochs;
    const perEpoch = [];
    // 0..1700: one at a time, each drawn before the next: append, flush (uPlot setData, table
    // window), uPlot's microtask commit and draw, then style and layout. Frames are let through
    // between epochs but not timed (that is the next phase).
    for (let i = 0; i < 1700; i++) {
      const start = performance.now();
      views.append(records[i]);
      views.flush();
      await null; await null; await null;
      document.body.offsetHeight;
      perEpoch.push(performance.now() - start);
      await settle();
    }
    // 1700..2000: one epoch per animation frame, as a live stream at 60 epochs/s would arrive
    const frames = [];
    let last = performance.now();
    await new Promise((resolve) => {
      let i = 1700;
      const tick = (now) => {
        frames.push(now - last);
        last = now;
        if (i >= ${EPOCHS}) return resolve();
        views.append(records[i++]);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await settle();
    const points = document.querySelector("figure.infoplane").dataset.points;
    const rows = document.querySelectorAll('table[data-table="metrics"] tbody tr').length;
    const rebuild = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      views.rebuild(records);
      await null; await null; await null;
      document.body.offsetHeight;
      rebuild.push(performance.now() - start);
    }
    return { perEpoch, frames: frames.slice(2), rebuild, points, rows };
  })()`)) as {
    perEpoch: number[];
    frames: number[];
    rebuild: number[];
    points: string;
    rows: number;
  };
  const all = stats(result.perEpoch.slice(0, 1700));
  const tail = stats(result.perEpoch.slice(1600, 1700));
  const frames = stats(result.frames);
  const rebuild = stats(result.rebuild);
  console.log(
    `job page: ${result.points} info-plane points, ${result.rows} table rows after ${EPOCHS} appends`,
  );
  console.log(
    `job page: append + draw one epoch median ${ms(all.p50)}  mean ${ms(all.mean)}  p95 ${ms(all.p95)} (epochs 1-1,700, each drawn before the next; main-thread time)`,
  );
  console.log(
    `job page: same at 1,600-1,700      median ${ms(tail.p50)}  mean ${ms(tail.mean)}  p95 ${ms(tail.p95)}`,
  );
  console.log(
    `job page: 1 epoch per frame        frame interval median ${ms(frames.p50)}  p95 ${ms(frames.p95)}  max ${ms(frames.max)} (epochs 1,700-2,000)`,
  );
  console.log(
    `job page: render 2,000 from scratch median ${ms(rebuild.p50)}  (${(rebuild.p50 / tail.p50).toFixed(0)}× one append at that size)`,
  );
}

const EDITOR_LINES = 2_000;

async function editorPage(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/jobs/new`);
  await page.locator("textarea.editor-input").waitFor();
  const result = (await page.evaluate(`(async () => {
    ${SETTLE}
    const program = Array.from({ length: ${EDITOR_LINES} }, (_, i) => "    ry(theta_" + i + ") q[" + (i % 4) + "];").join("\\n");
    const text = "dataset:\\n  name: iris\\nmodel:\\n  kind: circuit\\n  qasm: |\\n" + program + "\\n";
    const editor = document.querySelector("textarea.editor-input");
    // the baseline: the same textarea (class, no wrapping) without the editor's backdrop
    const plain = document.createElement("textarea");
    plain.className = editor.className;
    plain.setAttribute("wrap", "off");
    document.body.append(plain);
    const keystrokes = (area) => {
      area.value = text;
      area.dispatchEvent(new Event("input"));
      const times = [];
      return (async () => {
        // typing in the middle of the program: one character inserted, as a keystroke does
        const at = Math.floor(text.length / 2);
        for (let i = 0; i < 200; i++) {
          const start = performance.now();
          area.setRangeText("x", at + i, at + i, "end");
          area.dispatchEvent(new Event("input"));
          document.body.offsetHeight;
          times.push(performance.now() - start);
          if (i % 20 === 0) await settle();
        }
        return times;
      })();
    };
    const inEditor = await keystrokes(editor);
    const inPlain = await keystrokes(plain);
    plain.remove();
    return { inEditor, inPlain, lines: document.querySelectorAll(".editor-line").length };
  })()`)) as { inEditor: number[]; inPlain: number[]; lines: number };
  const editor = stats(result.inEditor);
  const plain = stats(result.inPlain);
  console.log(
    `editor: keystroke, ${result.lines} lines   median ${ms(editor.p50)}  p95 ${ms(editor.p95)}  (${(editor.p50 / plain.p50).toFixed(1)}× a plain textarea's ${ms(plain.p50)}; 200 keystrokes)`,
  );
}

async function main(): Promise<void> {
  if (!hasChromium()) {
    console.error(`${CHROMIUM_PATH} is absent: apt-get install -y chromium`);
    process.exitCode = 1;
    return;
  }
  const app = Fastify({ logger: false });
  await app.register(dashboardRoutes);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  console.log(`dashboard from ${defaultDashboardRoot()} at ${base}; ${CHROMIUM_PATH}`);
  try {
    await firstPaint(base);
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.route("**/v1/**", fakeApi);
      await jobPage(page, base);
      await jobList(page);
      await editorPage(page, base);
    } finally {
      await browser.close();
    }
  } finally {
    await app.close();
  }
}

await main();
