/**
 * Starting work from the dashboard, in Chromium against the real server (one server, one
 * browser; a fake IBM Runtime behind backend "ibm-batch"; the worker only for the last test).
 * New job: a refused field's message appears at its line with the server's exact text; fixed,
 * the dry-run plan shows the API's numbers; a double-clicked Submit creates one job (with an
 * Idempotency-Key) and lands on its page. Clone from that page gives the editor that spec. A
 * program's error lands on the program's line. New experiment: a refused grid value at its
 * line, the server's per-arm plan (`POST /v1/experiments/dry-runs`), submit, Clone with
 * tune and inherit, whose Submit defines the same experiment. On IBM: the plan's transpiled depth, and the job
 * page's circuit view shows the program and the ISA program the run sent, as the API serves
 * them.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type LaunchedChromium, launchChromium } from "../../bench/chromium.js";
import { defaultBackends } from "../../src/api/options.js";
import { type BackendRegistry, localBackendResolver } from "../../src/backends/registry.js";
import { startWorker, type WorkerHandle } from "../../src/jobs/worker.js";
import { buildDashboard } from "../../web/build.mjs";
import {
  chromiumFor,
  openWithKey,
  screenshot,
  useDashboardServer,
} from "../helpers/dashboard-browser.js";
import { jobFinished, silentLogger } from "../jobs/helpers.js";
import { type FakeIbmServer, startFakeIbm } from "../providers/ibm/fake-server.js";
import { fakeIbmBackend, registryWithFakeIbmKey } from "../providers/ibm/helpers.js";

const chromiumPresent = chromiumFor("test/web/editor.test.ts");

const API_KEY = "editor-test-key-8c41e07d2b95";
/** Unique per run: the shared Redis may hold other runs' jobs under other prefixes anyway. */
const TAG = `editor-${process.pid}`;

describe.skipIf(!chromiumPresent)("the dashboard's spec editors in Chromium", () => {
  let browser: LaunchedChromium;
  let page: Page;
  let pageErrors: string[];
  // a fake IBM Runtime behind backend "ibm-batch": the plan's transpiled depth, the sent program
  let fake: FakeIbmServer;
  let ibm: BackendRegistry;
  let worker: WorkerHandle | undefined;

  beforeAll(async () => {
    fake = await startFakeIbm({ queuedPolls: 0, runningPolls: 0 });
    ibm = registryWithFakeIbmKey(fake, [fakeIbmBackend(fake, "ibm-batch")]);
  });

  const server = useDashboardServer("editor", API_KEY, () => ({
    backends: [
      ...defaultBackends(),
      { name: "ibm-batch", provider: ibm.resolve("ibm-batch").provider },
    ],
  }));

  /** The API's answer to `init` at `path`: status and JSON body. */
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const dryRun = (body: unknown) =>
    call("/v1/dry-runs", { method: "POST", body: JSON.stringify(body) });

  beforeAll(async () => {
    // the bundle under test is this checkout's web/ (global setup rebuilds it when stale)
    await buildDashboard();
    browser = await launchChromium();
    // the first API request is refused (no key yet): that 401 opens the key prompt; the
    // editor's refused dry runs are 400s by design, and so is a local job's 404 for the
    // program it never sent
    ({ page, pageErrors } = await openWithKey(
      browser,
      `${server.base}/jobs/new`,
      API_KEY,
      (message) => {
        const text = message.text();
        return (
          /status of (401|400)/.test(text) ||
          (/status of 404/.test(text) && message.location().url.endsWith("?program=sent"))
        );
      },
    ));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await fake?.close();
  }, 60_000);

  const editor = () => page.locator("textarea.editor-input");
  const lineMessages = (line: number) =>
    page.locator(`.editor-line[data-line="${line}"] .line-message`).allTextContents();
  const marked = () =>
    page
      .locator(".editor-line.marked")
      .evaluateAll((lines) => lines.map((l) => l.getAttribute("data-line")));
  const issueList = () => page.locator('[data-role="issues"] li').allTextContents();
  const planValue = (field: string) => page.locator(`[data-plan="${field}"]`).textContent();
  /** Replaces the editor's text as typing would (an input event), then waits for the check. */
  const type = async (text: string) => {
    await editor().fill(text);
    await page.locator('[data-role="check-status"]', { hasText: /problem|ready/ }).waitFor();
  };

  /** A job's spec as typed, `epochs` at line 10. */
  const jobYaml = (epochs: number) => `name: editor job
tags: [${TAG}]
dataset:
  name: moons
  samples: 40
model:
  qubits: 2
  layers: 1
training:
  epochs: ${epochs}
  gradient: parameter-shift
backend:
  name: local
  shots: 100
`;

  let jobId = "";
  let ibmJobId = "";

  it("marks a refused field at its line, shows the plan once fixed, and submits once", async () => {
    await editor().waitFor();
    await type(jobYaml(0));
    const refused = await dryRun(parse(jobYaml(0)));
    expect(refused.status).toBe(400);
    const message = (refused.body.error as { message: string }).message;
    expect(message).toBe("spec.training.epochs: Too small: expected number to be >=1 (got 0)");
    await page.locator(".editor-line.marked").waitFor();
    expect(await marked()).toEqual(["10"]);
    expect(await lineMessages(10)).toEqual([message]);
    expect(await issueList()).toEqual([`Line 10: ${message}`]);
    // the listed line takes the cursor there
    await page.locator('[data-role="issues"] button', { hasText: "Line 10" }).click();
    expect(
      await editor().evaluate((element) => {
        const area = element as unknown as {
          value: string;
          selectionStart: number;
          selectionEnd: number;
        };
        return area.value.slice(area.selectionStart, area.selectionEnd);
      }),
    ).toBe("  epochs: 0");
    expect(await editor().getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator('[data-action="submit"]').isDisabled()).toBe(true);

    await type(jobYaml(3));
    await page.locator('[data-plan="totalSubmissions"]').waitFor();
    expect(await marked()).toEqual([]);
    expect(await issueList()).toEqual([]);
    // the API's plan: 40 moons rows → 2 steps of 16; parameter-shift at 100 shots
    const { body } = await dryRun(parse(jobYaml(3)));
    expect(body.plan).toMatchObject({
      stepsPerEpoch: 2,
      submissionsPerEpoch: 3,
      totalSubmissions: 9,
      shotsPerEpoch: 43_000,
      totalShots: 129_000,
      estimatedCostUsd: 0,
    });
    expect(await planValue("epochs")).toBe("3 × 2 steps");
    expect(await planValue("totalSubmissions")).toBe("9 (3 per epoch)");
    expect(await planValue("totalShots")).toBe("129,000 (43,000 per epoch)");
    expect(await planValue("totalCircuits")).toBe("1,290");
    expect(await planValue("estimatedCostUsd")).toBe("$0.0000");
    expect(await planValue("transpiled")).toBe("–");

    const submit = page.locator('[data-action="submit"]');
    expect(await submit.isDisabled()).toBe(false);
    const submissions: (string | null)[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/v1/jobs") {
        submissions.push(request.headers()["idempotency-key"] ?? null);
      }
    });
    await submit.dblclick();
    await page.waitForURL(/\/jobs\/[0-9A-Z]{26}$/);
    jobId = new URL(page.url()).pathname.split("/").pop()!;
    await page.locator(".page-head h1", { hasText: "editor job" }).waitFor();
    const listed = await call(`/v1/jobs?tag=${TAG}`);
    const jobs = listed.body.jobs as { id: string; spec: { training: { epochs: number } } }[];
    expect(jobs.map((job) => job.id)).toEqual([jobId]);
    expect(jobs[0]!.spec.training.epochs).toBe(3);
    // the button is disabled by the first click; the key would make a repeat a replay anyway
    expect(submissions).toHaveLength(1);
    expect(submissions[0]).toMatch(/^dashboard-[0-9a-f]{32}$/);
  }, 60_000);

  it("clones a job: the editor holds its spec, which passes the check", async () => {
    await page.locator('[data-action="clone"]').click();
    await page.waitForURL(`${server.base}/jobs/new?from=${jobId}`);
    await page.locator('[data-role="check-status"]', { hasText: "ready" }).waitFor();
    const job = (await call(`/v1/jobs/${jobId}`)).body as {
      name: string;
      tags: string[];
      spec: Record<string, unknown>;
    };
    expect(parse(await editor().inputValue())).toEqual({
      name: job.name,
      tags: job.tags,
      ...job.spec,
    });
    expect(await planValue("epochs")).toMatch(/^3 × /);
  }, 30_000);

  it("places a program's error on the program's line", async () => {
    await page.locator('select[name="template"]').selectOption("iris-program");
    await page.locator('[data-role="check-status"]', { hasText: "ready" }).waitFor();
    const text = await editor().inputValue();
    const broken = text.replace("cx q[1], q[2];", "foo q[1], q[2];");
    const lines = broken.split("\n");
    const fooLine = lines.findIndex((line) => line.includes("foo q[1]")) + 1;
    await type(broken);
    const { body } = await dryRun(parse(broken));
    const message = (body.error as { message: string }).message;
    expect(message).toMatch(/^spec\.model\.qasm: line \d+, column 1: /);
    await page.locator(".editor-line.marked").waitFor();
    expect(await marked()).toEqual([String(fooLine)]);
    expect(await lineMessages(fooLine)).toEqual([message]);

    // typing a line above it: the backdrop redraws what changed and the mark moves down with it
    await editor().focus();
    await editor().press("Control+Home");
    await page.keyboard.type("# typed\n");
    await page.locator(`.editor-line.marked[data-line="${fooLine + 1}"]`).waitFor();
    expect(await marked()).toEqual([String(fooLine + 1)]);
    expect(await page.locator(".editor-backdrop .line-text").allTextContents()).toEqual(
      (await editor().inputValue()).split("\n"),
    );
  }, 30_000);

  /** An experiment as typed, the grid's second feedback.mode (`mode`) at line 10. */
  const experimentYaml = (mode: string) => `name: editor sweep
tags: [${TAG}]
spec:
  dataset: { name: moons, samples: 40, validationFraction: 0.25 }
  model: { qubits: 2, layers: 1 }
  training: { epochs: 2 }
grid:
  feedback.mode:
    - "off"
    - ${mode}
  training.seed: [1, 2]
compare:
  baseline: { feedback.mode: "off" }
tune:
  - arm: { feedback.mode: "off" }
    candidates: { training.learningRate: [0.02, 0.3] }
inherit:
  - arm: { feedback.mode: lr }
    fields: [training.learningRate]
`;
  const experimentDryRun = (yaml: string) =>
    call("/v1/experiments/dry-runs", { method: "POST", body: JSON.stringify(parse(yaml)) });
  const planRows = () =>
    page
      .locator('table[data-table="plan"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));

  it("New experiment: a refused grid value at its line, the server's plan, submit, a full clone", async () => {
    await page.goto(`${server.base}/experiments/new`);
    // a new page load: the key is still in this tab's session storage
    await editor().waitFor();
    await page.locator('[data-role="check-status"]', { hasText: /problem|ready/ }).waitFor();
    await type(experimentYaml("sideways"));
    const refused = await experimentDryRun(experimentYaml("sideways"));
    const message = (refused.body.error as { message: string }).message;
    expect(refused.status).toBe(400);
    expect(message).toMatch(/^grid\.feedback\.mode\[1\] = "sideways": spec\.feedback\.mode: /);
    await page.locator(".editor-line.marked").waitFor();
    expect(await marked()).toEqual(["10"]);
    expect(await lineMessages(10)).toEqual([message]);

    await type(experimentYaml("lr"));
    await page.locator('table[data-table="plan"]').waitFor();
    // the server's plan: the tuned arm's 2 seeds × 2 candidates now, the inheriting arm's 2
    // children once the tuned runs finish (not planned yet)
    const { body: plan } = await experimentDryRun(experimentYaml("lr"));
    const arms = plan.arms as { key: string; totals: Record<string, number> }[];
    expect(arms.map((arm) => [arm.key, arm.totals.runs, arm.totals.waiting])).toEqual([
      ["feedback.mode=off", 4, 0],
      ["feedback.mode=lr", 2, 2],
    ]);
    expect(plan.totals).toMatchObject({ runs: 6, planned: 4, waiting: 2, shots: 0 });
    const submissions = (plan.totals as { submissions: number }).submissions;
    expect(submissions).toBe(8);
    expect(await planRows()).toEqual([
      ["feedback.mode=off", "4", "8", "0", "$0.0000", "–"],
      ["feedback.mode=lr", "2 (2 later)", "0", "0", "$0.0000", "–"],
      ["total", "6 (2 later)", "8", "0", "$0.0000", ""],
    ]);

    await page.locator('[data-action="submit"]').click();
    await page.waitForURL(/\/experiments\/[0-9A-Z]{26}$/);
    const id = new URL(page.url()).pathname.split("/").pop()!;
    await page.locator(".page-head h1", { hasText: "editor sweep" }).waitFor();
    const experiment = (await call(`/v1/experiments/${id}`)).body as {
      definition: Record<string, unknown>;
    };
    expect(experiment.definition).toMatchObject({
      grid: { "feedback.mode": ["off", "lr"], "training.seed": [1, 2] },
      tune: [
        { arm: { "feedback.mode": "off" }, candidates: { "training.learningRate": [0.02, 0.3] } },
      ],
      inherit: [{ arm: { "feedback.mode": "lr" }, fields: ["training.learningRate"] }],
    });

    // its children free their job slots for the clone's (the key may have 10 unfinished)
    await call(`/v1/experiments/${id}/cancel`, { method: "POST", body: "{}" });
    // Clone → Check → Submit: the same definition, tune and inherit included
    await page.locator('[data-action="clone"]').click();
    await page.waitForURL(`${server.base}/experiments/new?from=${id}`);
    await page.locator('[data-role="check-status"]', { hasText: "ready" }).waitFor();
    expect(parse(await editor().inputValue())).toEqual({
      name: "editor sweep",
      tags: [TAG],
      ...experiment.definition,
    });
    expect(await planRows()).toEqual([
      ["feedback.mode=off", "4", "8", "0", "$0.0000", "–"],
      ["feedback.mode=lr", "2 (2 later)", "0", "0", "$0.0000", "–"],
      ["total", "6 (2 later)", "8", "0", "$0.0000", ""],
    ]);
    await screenshot(page, "dashboard-new-experiment");
    await page.locator('[data-action="submit"]').click();
    await page.waitForURL(
      (url) => /\/experiments\/[0-9A-Z]{26}$/.test(url.pathname) && !url.pathname.endsWith(id),
    );
    const cloneId = new URL(page.url()).pathname.split("/").pop()!;
    const clone = (await call(`/v1/experiments/${cloneId}`)).body;
    expect(clone.definition).toEqual(experiment.definition);
    await call(`/v1/experiments/${cloneId}/cancel`, { method: "POST", body: "{}" });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it("on IBM the plan shows the transpiled circuit", async () => {
    await page.goto(`${server.base}/jobs/new`);
    await editor().waitFor();
    await page.locator('[data-role="check-status"]', { hasText: /problem|ready/ }).waitFor();
    const yaml = `name: editor ibm
tags: [${TAG}]
dataset: { name: moons, samples: 24 }
model: { qubits: 2, layers: 1, encoding: fixed }
training: { epochs: 1, batchSize: 24, gradient: parameter-shift }
backend: { name: ibm-batch, shots: 100 }
`;
    await type(yaml);
    await page.locator('[data-plan="transpiled"]').waitFor();
    const { body } = await dryRun(parse(yaml));
    const { transpiled } = body.plan as { transpiled: { depth: number; twoQubitGates: number } };
    expect(transpiled.twoQubitGates).toBe(1);
    expect(await planValue("transpiled")).toBe(`depth ${transpiled.depth} · 1 two-qubit gates`);
    await page.locator('[data-action="submit"]').click();
    await page.waitForURL(/\/jobs\/[0-9A-Z]{26}$/);
    ibmJobId = new URL(page.url()).pathname.split("/").pop()!;
  }, 30_000);

  /** The circuit panel's text for `program` once opened (a `pre`, or the reason there is none). */
  const circuitText = async (program: string) => {
    const section = page.locator(`[data-panel="circuit"] [data-program="${program}"]`);
    await section.locator("pre, [data-role=no-program]").waitFor();
    return section.locator("pre, [data-role=no-program]").textContent();
  };
  const qasm = async (path: string) => {
    const response = await fetch(`${server.base}${path}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    return { status: response.status, text: await response.text() };
  };

  it("shows a job's program and, on IBM, the program its run sent", async () => {
    // everything queued so far runs now; the IBM job on the fake Runtime
    worker = await startWorker(server.config, {
      logger: silentLogger,
      resolveBackend: (name) =>
        name === "ibm-batch" ? ibm.resolve(name) : localBackendResolver(name),
    });
    const done = await jobFinished(server.jobs, ibmJobId, 60_000);
    expect(done.status).toBe("completed");
    await page.reload();
    await page.locator('[data-panel="circuit"] summary').click();
    const model = await qasm(`/v1/jobs/${ibmJobId}/circuit.qasm`);
    const sent = await qasm(`/v1/jobs/${ibmJobId}/circuit.qasm?program=sent`);
    expect([model.status, sent.status]).toEqual([200, 200]);
    expect(model.text).toContain("cx q[0], q[1];");
    expect(sent.text).toContain("ecr $");
    expect(await circuitText("model")).toBe(model.text);
    expect(await circuitText("sent")).toBe(sent.text);
    await screenshot(page, "dashboard-job-circuit");

    // a local job: its program, and the server's reason why nothing was transpiled
    await page.goto(`${server.base}/jobs/${jobId}`);
    await page.locator('[data-panel="circuit"] summary').click();
    const local = await qasm(`/v1/jobs/${jobId}/circuit.qasm`);
    expect(await circuitText("model")).toBe(local.text);
    const none = await qasm(`/v1/jobs/${jobId}/circuit.qasm?program=sent`);
    expect(none.status).toBe(404);
    expect(await circuitText("sent")).toBe(
      (JSON.parse(none.text) as { error: { message: string } }).error.message,
    );
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
