import { describe, expect, it } from "vitest";
import { meanStd, stepsToExperimentThreshold } from "../../src/experiments/aggregate.js";
import { EVERYONE } from "../../src/jobs/types.js";
import { startWorker } from "../../src/jobs/worker.js";
import type { EpochRecord } from "../../src/training/records.js";
import { silentLogger, waitFor } from "../jobs/helpers.js";
import { AUTH, type StatJson, TINY_SPEC, useExperimentsApi } from "./experiments-api.js";

describe("experiments API over the job system", () => {
  const { prefix, config, state, workers, post, get, completedExperiment } =
    useExperimentsApi("experiments-grid");

  it("runs 30 tiny jobs on two workers; the aggregate table equals the children's metrics", async () => {
    const submitted = await post("/v1/experiments", {
      name: "modes",
      tags: ["smoke"],
      spec: TINY_SPEC,
      grid: {
        "feedback.mode": ["off", "loss", "lr"],
        "training.seed": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      },
      threshold: { metric: "testAccuracy", value: 0.6 },
    });
    expect(submitted.statusCode).toBe(202);
    const created = submitted.json();
    expect(submitted.headers.location).toBe(`/v1/experiments/${created.id}`);
    expect(created).toMatchObject({
      name: "modes",
      tags: ["smoke"],
      status: "queued",
      metric: "testAccuracy",
      replicateField: "training.seed",
      counts: { queued: 30, running: 0, completed: 0, failed: 0, cancelled: 0, missing: 0 },
    });
    expect(created.arms.map((arm: { key: string }) => arm.key)).toEqual([
      "feedback.mode=off",
      "feedback.mode=loss",
      "feedback.mode=lr",
    ]);
    // children are ordinary jobs, tagged with the experiment
    const child = (await get(`/v1/jobs/${created.arms[2].jobIds[4]}`)).json();
    expect(child.tags).toEqual([`experiment:${created.id}`, "smoke"]);
    expect(child.name).toBe("modes · feedback.mode=lr, seed=5");
    expect(child.spec.feedback.mode).toBe("lr");
    expect(child.spec.training.seed).toBe(5);

    const started = Date.now();
    workers.push(
      await startWorker(config, { logger: silentLogger }),
      await startWorker(config, { logger: silentLogger }),
    );
    const done = await completedExperiment(created.id, "the experiment to complete", 120_000);
    const elapsedMs = Date.now() - started;
    console.info(`experiment of 30 tiny jobs on 2 workers: ${elapsedMs} ms`);
    expect(done.counts).toMatchObject({ completed: 30 });

    // recompute every arm from the children's own records, as a client would
    for (const arm of done.arms as {
      jobIds: string[];
      finalMetric: StatJson;
      stepsToThreshold: StatJson & { censored: number; split?: string };
      finalIxt: StatJson;
      finalIty: StatJson;
    }[]) {
      const finals: EpochRecord[] = [];
      const steps: number[] = [];
      let censored = 0;
      for (const id of arm.jobIds) {
        const records: EpochRecord[] = (await get(`/v1/jobs/${id}/metrics`)).json().metrics;
        expect(records).toHaveLength(2);
        finals.push(records.at(-1)!);
        // testAccuracy thresholds count steps on the validation, else the training, split
        const reached = stepsToExperimentThreshold(records, { metric: "testAccuracy", value: 0.6 });
        steps.push(reached!.steps);
        if (reached!.censored) censored++;
      }
      expect(arm.finalMetric).toEqual(meanStd(finals.map((record) => record.testAccuracy!)));
      expect(arm.finalIxt).toEqual(meanStd(finals.map((record) => record.ixt)));
      expect(arm.finalIty).toEqual(meanStd(finals.map((record) => record.ity)));
      expect(arm.stepsToThreshold).toEqual({ ...meanStd(steps), censored, split: "train" });
      expect(arm.finalMetric.n).toBe(10);
    }
    // different modes are different runs: lr feedback changes the trajectory
    expect(done.arms[0].finalIxt.mean).not.toBe(done.arms[2].finalIxt.mean);

    const csv = await get(`/v1/experiments/${created.id}?format=csv`);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const rows = csv.body.trimEnd().split("\n");
    expect(rows).toHaveLength(4);
    expect(rows[1]!.split(",").slice(0, 8)).toEqual([
      "feedback.mode=off",
      "off",
      "10",
      "10",
      "testAccuracy",
      String(done.arms[0].finalMetric.mean),
      String(done.arms[0].finalMetric.std),
      "10",
    ]);

    const curves = (await get(`/v1/experiments/${created.id}/curves`)).json();
    expect(curves.arms).toHaveLength(3);
    expect(curves.arms[1].epochs.map((epoch: { n: number }) => epoch.n)).toEqual([10, 10]);
    expect(curves.arms[1].epochs[1].ixt).toEqual(done.arms[1].finalIxt);
    // I* exists only where feedback is on: H(Y) of the training labels, about 1 bit for moons
    expect(curves.arms[0].epochs[1].compressionTarget).toEqual({ mean: null, std: null, n: 0 });
    expect(curves.arms[2].epochs[1].compressionTarget.n).toBe(10);
    expect(curves.arms[2].epochs[1].compressionTarget.mean).toBeGreaterThan(0.9);
    expect(curves.arms[2].epochs[1].compressionTarget.mean).toBeLessThanOrEqual(1);

    const listed = (await get("/v1/experiments?limit=5")).json();
    expect(listed.experiments.map((experiment: { id: string }) => experiment.id)).toEqual([
      created.id,
    ]);
    expect(listed.nextCursor).toBeNull();
    // lists read statuses only: counts and per-arm progress, no aggregates
    expect(listed.experiments[0]).toMatchObject({ status: "completed", counts: { completed: 30 } });
    expect(listed.experiments[0].arms[0]).toEqual({
      key: "feedback.mode=off",
      values: { "feedback.mode": "off" },
      metric: "testAccuracy",
      jobIds: done.arms[0].jobIds,
      slots: ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"],
      jobs: 10,
      completed: 10,
    });
  }, 150_000);

  it("cancels every unfinished child", async () => {
    const submitted = await post("/v1/experiments", {
      spec: {
        ...TINY_SPEC,
        dataset: { name: "moons", samples: 2000 },
        model: { qubits: 8, layers: 4 },
        training: { epochs: 200 },
      },
      grid: { "training.seed": [1, 2, 3, 4] },
    });
    expect(submitted.statusCode).toBe(202);
    const { id } = submitted.json();
    const cancelled = await post(`/v1/experiments/${id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    const view = await waitFor(
      async () => {
        const current = (await get(`/v1/experiments/${id}`)).json();
        return current.status === "cancelled" ? current : undefined;
      },
      "the experiment to be cancelled",
      30_000,
    );
    expect(view.counts.cancelled).toBe(4);
    expect(view.arms[0].finalMetric).toEqual({ mean: null, std: null, n: 0 });
    // an experiment lives as long as its children: removed (or expired) children end it
    for (const jobId of view.jobIds) await state.jobs.remove(jobId, EVERYONE);
    const gone = await get(`/v1/experiments/${id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe("QPLANE_ERR_EXPERIMENT_NOT_FOUND");
    expect(await state.redis.exists(`${prefix}:experiment:${id}`)).toBe(0);
  }, 40_000);

  it("replays an Idempotency-Key: same body → the same experiment, other body → 409", async () => {
    const payload = { spec: TINY_SPEC, grid: { "training.seed": [11, 12] } };
    const headers = { ...AUTH, "idempotency-key": "sweep-2026-11-28" };
    const send = (body: object) =>
      state.app.inject({ method: "POST", url: "/v1/experiments", headers, payload: body });
    const first = await send(payload);
    expect(first.statusCode).toBe(202);
    const again = await send(payload);
    expect(again.statusCode).toBe(200);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().jobIds).toEqual(first.json().jobIds);
    // no second set of children
    const children = await state.jobs.list(
      { tag: `experiment:${first.json().id}`, limit: 10 },
      EVERYONE,
    );
    expect(children.jobs).toHaveLength(2);
    const other = await send({ ...payload, grid: { "training.seed": [13] } });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toEqual({
      code: "QPLANE_ERR_IDEMPOTENCY_CONFLICT",
      message: `Idempotency-Key: already used for experiment ${first.json().id} with a different request body`,
    });
    await post(`/v1/experiments/${first.json().id}/cancel`);
  });

  it("streams every job's events with its id on /v1/events", async () => {
    const address = await state.app.listen({ port: 0, host: "127.0.0.1" });
    const controller = new AbortController();
    const response = await fetch(`${address}/v1/events`, {
      headers: AUTH,
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    let text = "";
    const submitted = await post("/v1/jobs", TINY_SPEC);
    const jobId = submitted.json().id as string;
    await waitFor(
      async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        return text.includes(`"jobId":"${jobId}","type":"status","status":"completed"`);
      },
      "the job's completed event on the all-jobs stream",
      30_000,
    );
    controller.abort();
    expect(text.startsWith(": connected\n\n")).toBe(true);
    expect(text).toContain(
      `event: status\ndata: {"jobId":"${jobId}","type":"status","status":"queued"`,
    );
    expect(text).toContain(
      `event: metric\ndata: {"jobId":"${jobId}","type":"metric","record":{"epoch":2,`,
    );
  }, 40_000);
});
