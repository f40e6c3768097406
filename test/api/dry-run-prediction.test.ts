/**
 * `POST /v1/dry-runs` (and the legacy `?dryRun=true`) on a twin: the plan and the predicted
 * first epoch under the twin's noise beside the noiseless simulator's; over the dry run's
 * budget the prediction is skipped with its reason. Noiseless backends have none.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localBackendResolver } from "../../src/backends/registry.js";
import {
  SMALL_SPEC as SMALL,
  skippedOnStrongTwin,
  strongTwin,
  strongTwinNoise,
  strongTwinPrediction,
} from "../helpers/prediction.js";
import { testApp } from "./helpers.js";

const twin = strongTwin();

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await testApp({
    backends: [
      { name: "local", provider: localBackendResolver("local").provider },
      { name: "strong-twin", ...twin, prediction: strongTwinNoise(twin) },
    ],
  }));
});
afterAll(async () => {
  await app.close();
});

describe("a dry run's prediction", () => {
  it("runs the first epoch on the twin and on the noiseless simulator, same spec and seed", async () => {
    const response = await app.inject({ method: "POST", url: "/v1/dry-runs", payload: SMALL });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body)).toEqual(["plan", "prediction"]);
    expect(body.prediction).toEqual(strongTwinPrediction(2.4e9));
    expect(body.plan).toMatchObject({ epochs: 5, estimatedCostUsd: 0 });
    const legacy = await app.inject({
      method: "POST",
      url: "/v1/jobs?dryRun=true",
      payload: SMALL,
    });
    expect(legacy.json()).toEqual(body);
  });

  it("is skipped with its reason over the dry run's budget (2 s of one core)", async () => {
    const large = {
      ...SMALL,
      dataset: { name: "moons", samples: 200, seed: 3 },
      model: { qubits: 8, layers: 4 },
    };
    const response = await app.inject({ method: "POST", url: "/v1/dry-runs", payload: large });
    expect(response.statusCode).toBe(200);
    expect(response.json().prediction).toEqual(
      skippedOnStrongTwin(
        { max: 2.4e9, priced: 16_282_048_000 },
        "the first epoch on the twin and on the noiseless simulator is priced at 1.63e+10 amplitude-operations, over the prediction budget of 2.40e+9 (about 2 s of one core)",
      ),
    );
  });

  it("runs one at a time: a concurrent dry run gets its plan and the prediction skipped", async () => {
    // large enough to pause (several chunks of work), so the second request arrives meanwhile
    const paused = {
      ...SMALL,
      dataset: { name: "moons", samples: 120, seed: 3 },
      model: { qubits: 5, layers: 2 },
    };
    const [first, second] = await Promise.all(
      [0, 1].map(() => app.inject({ method: "POST", url: "/v1/dry-runs", payload: paused })),
    );
    const ran = first?.json().prediction;
    expect(Object.keys(ran)).toEqual([
      "noise",
      "maxAmplitudeOperations",
      "amplitudeOperations",
      "noisy",
      "noiseless",
    ]);
    expect(second?.statusCode).toBe(200);
    expect(second?.json().plan).toEqual(first?.json().plan);
    expect(second?.json().prediction).toEqual(
      skippedOnStrongTwin(
        { max: 2.4e9, priced: ran.amplitudeOperations },
        "1 prediction is already running on this server; try again in a few seconds",
      ),
    );
    // the slot is free again once the first is answered
    const after = await app.inject({ method: "POST", url: "/v1/dry-runs", payload: paused });
    expect(after.json().prediction).toEqual(ran);
  });

  it("is absent on a noiseless simulator", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/v1/dry-runs",
      payload: { ...SMALL, backend: { name: "local", shots: 0 } },
    });
    expect(Object.keys(response.json())).toEqual(["plan"]);
  });
});
