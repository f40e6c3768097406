/**
 * Rules that need the data's shape (readout qubits for the classes, PCA components) refuse a
 * spec before it is queued on a server WITHOUT spec or cost limits too: the admission reads
 * the shape whatever the limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "./helpers.js";

let app: Awaited<ReturnType<typeof testApp>>["app"];

beforeAll(async () => {
  ({ app } = await testApp({ limits: { rateLimitPerMinute: 0 } }));
});
afterAll(async () => {
  await app.close();
});

async function submit(spec: unknown): Promise<{ statusCode: number; body: string }> {
  return app.inject({
    method: "POST",
    url: "/v1/jobs",
    payload: JSON.stringify(spec),
    headers: { "content-type": "application/json" },
  });
}

describe("data-dependent spec rules without server limits", () => {
  it("refuses a readout register that cannot hold the classes", async () => {
    const reply = await submit({ dataset: { name: "wide", classes: 4 }, model: { readout: [3] } });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain(
      "spec.model.readout: 1 readout qubit(s) give 2 outcomes, fewer than the 4 classes",
    );
  });

  it("names model.qubits when readout auto needs more qubits than the model has", async () => {
    const reply = await submit({
      dataset: { name: "wide", classes: 16, informative: 6 },
      model: { qubits: 3 },
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain(
      'spec.model.qubits: 3 qubits cannot hold the 4 readout qubits 16 classes need (readout \\"auto\\": ceil(log2 C)); use at least 4 qubits',
    );
  });

  it("refuses more PCA components than features", async () => {
    const reply = await submit({
      dataset: { name: "iris" },
      model: { reduce: "pca", components: 5 },
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain(
      "spec.model.components: 5 components, but the dataset has 4 features",
    );
  });

  it("still queues a spec the data can hold", async () => {
    const reply = await submit({ dataset: { name: "wide", classes: 4 } });
    expect(reply.statusCode).toBe(202);
  });
});
