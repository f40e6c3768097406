import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeJobService } from "./fake-job-service.js";
import { spec, testApp } from "./helpers.js";

let root: string;
let app: FastifyInstance;
let service: FakeJobService;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "qplane-api-data-"));
  await mkdir(join(root, "data", "sub"), { recursive: true });
  await writeFile(join(root, "data", "sub", "points.csv"), "x,y\n1,a\n2,b\n");
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
