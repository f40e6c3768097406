/**
 * `GET /v1/jobs?specHash=`: the runs of one spec on any backend (a device run and its twin),
 * each key's own only, a page at a time; and the `specHash` every job view carries.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localBackendResolver } from "../../src/backends/registry.js";
import { specHashOf } from "../../src/jobs/spec-hash.js";
import type { FakeJobService } from "./fake-job-service.js";
import { spec, submit, testApp } from "./helpers.js";

const KEY_A = "comparable-key-a-4b1e9d";
const KEY_B = "comparable-key-b-7c2f0a";
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const DEVICE = spec({ backend: { name: "ibm-fake", shots: 200, maxCost: 5 } });
const TWIN = spec({ backend: { name: "ibm-fake-twin", shots: 200 } });

let app: FastifyInstance;
let service: FakeJobService;

beforeEach(async () => {
  const provider = localBackendResolver("local").provider;
  ({ app, service } = await testApp({
    apiKeys: [KEY_A, KEY_B],
    backends: ["local", "ibm-fake", "ibm-fake-twin"].map((name) => ({ name, provider })),
  }));
});
afterEach(async () => {
  await app.close();
});

const list = async (url: string, key = KEY_A) => {
  const response = await app.inject({ url, headers: as(key) });
  return { status: response.statusCode, body: response.json() };
};
const ids = (body: { jobs: { id: string }[] }) => body.jobs.map((job) => job.id);

describe("GET /v1/jobs?specHash=", () => {
  it("lists a device run with its twin (not other specs, not another key's runs), paged", async () => {
    const device = await submit(app, DEVICE, as(KEY_A));
    const twin = await submit(app, TWIN, as(KEY_A));
    await submit(app, spec({ backend: { name: "ibm-fake", shots: 100 } }), as(KEY_A));
    const theirs = await submit(app, TWIN, as(KEY_B));

    const job = (await app.inject({ url: `/v1/jobs/${device}`, headers: as(KEY_A) })).json();
    // one hash for the two: the budget and the name differ, the shots do not
    expect(job.specHash).toBe(specHashOf(service.submitted[1]!.spec));
    expect(job.specHash).toMatch(/^[0-9a-f]{64}$/);

    const mine = await list(`/v1/jobs?specHash=${job.specHash}`);
    expect(mine).toEqual({ status: 200, body: { jobs: expect.any(Array), nextCursor: null } });
    expect(ids(mine.body)).toEqual([twin, device]);
    expect(
      mine.body.jobs.map((run: { spec: { backend: { name: string } } }) => run.spec.backend.name),
    ).toEqual(["ibm-fake-twin", "ibm-fake"]);
    expect(ids((await list(`/v1/jobs?specHash=${job.specHash}`, KEY_B)).body)).toEqual([theirs]);

    const first = await list(`/v1/jobs?specHash=${job.specHash}&limit=1`);
    expect(ids(first.body)).toEqual([twin]);
    const second = await list(
      `/v1/jobs?specHash=${job.specHash}&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body).toEqual({
      jobs: [expect.objectContaining({ id: device })],
      nextCursor: null,
    });
  });

  it("refuses a malformed hash and a limit outside 1-100, naming the field and the value", async () => {
    const refused = async (url: string) => {
      const { status, body } = await list(url);
      expect(status, url).toBe(400);
      expect(body.error.code).toBe("QPLANE_ERR_REQUEST_INVALID");
      return body.error.message as string;
    };
    const rule = "must be 64 lowercase hex digits, a job's `specHash`";
    const hash = "a".repeat(64);
    expect(await refused(`/v1/jobs?specHash=${"A".repeat(64)}`)).toBe(
      `query.specHash: ${rule} (got "${"A".repeat(56)}...)`,
    );
    expect(await refused("/v1/jobs?specHash=abc")).toBe(`query.specHash: ${rule} (got "abc")`);
    expect(await refused(`/v1/jobs?specHash=${hash}&limit=0`)).toBe(
      `query.limit: Too small: expected number to be >=1 (got "0")`,
    );
    expect(await refused(`/v1/jobs?specHash=${hash}&limit=101`)).toBe(
      `query.limit: Too big: expected number to be <=100 (got "101")`,
    );
    expect(await list(`/v1/jobs?specHash=${"a".repeat(64)}&limit=100`)).toEqual({
      status: 200,
      body: { jobs: [], nextCursor: null },
    });
  });
});
