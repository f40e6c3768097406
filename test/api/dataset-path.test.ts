import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_BYTES_PER_ROW } from "../../src/api/dataset-shape.js";
import { planRun } from "../../src/training/plan.js";
import { prepareRun } from "../local-backend.js";
import type { FakeJobService } from "./fake-job-service.js";
import { spec, TEST_LIMITS, testApp } from "./helpers.js";

/** `rows` data rows of two classes under an `x,y` header. */
const points = (rows: number) =>
  `x,y\n${Array.from({ length: rows }, (_, i) => `${i},${i % 2 === 0 ? "a" : "b"}`).join("\n")}\n`;

let root: string;
let app: FastifyInstance;
let service: FakeJobService;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "qplane-api-data-"));
  await mkdir(join(root, "data", "sub"), { recursive: true });
  await writeFile(join(root, "data", "sub", "points.csv"), points(12));
  await writeFile(join(root, "data", "two-rows.csv"), "x,y\n1,a\n2,b\n");
  await writeFile(join(root, "data", "empty.csv"), "");
  await writeFile(join(root, "data", "twenty.csv"), points(20));
  // over the byte limit of a server allowing 15 rows (16 · 640 bytes) by its 11 others
  await writeFile(
    join(root, "data", "wide.csv"),
    `x,y\n1,a\n2,${"b".repeat(16 * CSV_BYTES_PER_ROW)}\n`,
  );
  await writeFile(join(root, "outside.csv"), "x,y\n1,a\n");
  await symlink(join(root, "outside.csv"), join(root, "data", "escape.csv"));
  ({ app, service } = await testApp({ datasetDir: join(root, "data") }));
});
afterAll(async () => {
  await app.close();
  await rm(root, { recursive: true, force: true });
});

const csv = (path: string) => spec({ dataset: { name: "csv", path, target: "y" } });

describe("CSV datasets over HTTP", () => {
  it("accept a relative path inside the dataset directory, resolved for the worker", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: csv("sub/points.csv"),
    });
    expect(response.statusCode).toBe(202);
    expect(service.submitted.at(-1)!.spec.dataset.path).toBe(
      join(root, "data", "sub", "points.csv"),
    );
  });

  it.each([
    ["../outside.csv", "must be a relative path inside the dataset directory"],
    ["sub/../../outside.csv", "must be a relative path inside the dataset directory"],
    ["/etc/passwd", "must be a relative path inside the dataset directory"],
    ["missing.csv", "no such file in the dataset directory"],
    ["escape.csv", "must name a file inside the dataset directory"],
    ["sub", "must name a file inside the dataset directory"],
  ])("refuse %s", async (path, reason) => {
    const response = await app.inject({ method: "POST", url: "/v1/jobs", payload: csv(path) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: "QPLANE_ERR_SPEC_INVALID",
      message: `spec.dataset.path: ${reason}`,
    });
  });
});

// the worker-thread read of the compiled API is exercised in test/security/off-thread.test.ts
describe("CSV datasets are sized at admission", () => {
  const post = (target: FastifyInstance, url: string, path: string, extra = {}) =>
    target.inject({ method: "POST", url, payload: { ...csv(path), ...extra } });

  it("plans a dry run on the file's real shape, as the run would", async () => {
    const response = await post(app, "/v1/jobs?dryRun=true", "sub/points.csv");
    expect(response.statusCode).toBe(200);
    const real = { ...csv(join(root, "data", "sub", "points.csv")) };
    expect(response.json().plan).toEqual(await planRun(prepareRun(real)));
  });

  it("refuses a file the worker could not train on, at submission and in a dry run", async () => {
    for (const url of ["/v1/jobs", "/v1/jobs?dryRun=true"]) {
      const response = await post(app, url, "two-rows.csv");
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe("QPLANE_ERR_DATASET");
    }
  });

  it("names the field and the file in a file's errors, never the server's directory", async () => {
    for (const url of ["/v1/jobs", "/v1/jobs?dryRun=true"]) {
      const response = await post(app, url, "empty.csv");
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toEqual({
        code: "QPLANE_ERR_DATASET",
        message: 'dataset.path "empty.csv": file is empty',
      });
    }
  });

  it("checks rows, file size and cost against the server's limits", async () => {
    const small = await testApp({
      datasetDir: join(root, "data"),
      limits: { ...TEST_LIMITS, maxDatasetRows: 15, maxJobWork: 1000 },
    });
    try {
      const rows = await post(small.app, "/v1/jobs?dryRun=true", "twenty.csv");
      expect(rows.statusCode).toBe(400);
      expect(rows.json().error).toEqual({
        code: "QPLANE_ERR_LIMIT_EXCEEDED",
        message: "spec.dataset: 20 rows is above this server's limit of 15",
      });
      const wide = await post(small.app, "/v1/jobs", "wide.csv");
      expect(wide.statusCode).toBe(400);
      expect(wide.json().error).toEqual({
        code: "QPLANE_ERR_LIMIT_EXCEEDED",
        message: `spec.dataset.path: the file is ${16 * CSV_BYTES_PER_ROW + 11} bytes, above this server's limit of ${16 * CSV_BYTES_PER_ROW} bytes (${CSV_BYTES_PER_ROW} per row of QPLANE_MAX_DATASET_ROWS)`,
      });
      for (const url of ["/v1/jobs", "/v1/jobs?dryRun=true"]) {
        const costly = await post(small.app, url, "sub/points.csv");
        expect(costly.statusCode).toBe(422);
        expect(costly.json().error.code).toBe("QPLANE_ERR_JOB_TOO_LARGE");
        expect(costly.json().error.message).toContain("dataset.name=csv (12 rows)");
      }
      expect(small.service.submitted).toHaveLength(0);
    } finally {
      await small.app.close();
    }
  });
});
