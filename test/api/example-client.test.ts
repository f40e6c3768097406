/**
 * The example client (examples/client/): its types are what openapi-typescript generates from
 * the committed document today, it type-checks against them, and it runs against a real server
 * (Redis job service, in-process worker, API keys) from dry run to metrics.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { firstJob } from "../../examples/client/first-job.js";
import { useRealServer } from "../helpers/real-server.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const API_KEY = "example-client-key-0123456789";

describe("the example client", () => {
  it("holds the types openapi-typescript generates from openapi/openapi.json", () => {
    const check = spawnSync(process.execPath, ["examples/client/generate.mjs", "--check"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  it("type-checks against them", () => {
    const tsc = spawnSync(
      process.execPath,
      [`${root}node_modules/typescript/bin/tsc`, "-p", "examples/client/tsconfig.json", "--noEmit"],
      { cwd: root, encoding: "utf8" },
    );
    expect(tsc.stdout).toBe("");
    expect(tsc.status).toBe(0);
  }, 60_000);

  describe("against a real server", () => {
    const server = useRealServer("example-client", {
      env: { QPLANE_API_KEYS: API_KEY },
      worker: true,
      app: ({ config, jobs, experiments }) => ({
        service: jobs,
        experiments,
        apiKeys: config.apiKeys,
        log: false,
        docs: false,
        limits: { ...config.limits, rateLimitPerMinute: 0 },
      }),
    });

    it("plans, submits, polls and reads the metrics as JSON and CSV", async () => {
      const lines: string[] = [];
      const result = await firstJob({
        baseUrl: server.base,
        apiKey: API_KEY,
        pollMs: 100,
        timeoutMs: 60_000,
        log: (line) => lines.push(line),
      });
      expect(result.status).toBe("completed");
      expect(result.location).toBe(`/v1/jobs/${result.jobId}`);
      expect(result.plan.epochs).toBe(3);
      expect(result.plan.totalCircuits).toBeGreaterThan(0);
      expect(result.records.map((record) => record.epoch)).toEqual([1, 2, 3]);
      for (const record of result.records) {
        expect(record.ixt).toBeGreaterThanOrEqual(0);
        expect(record.ity).toBeGreaterThanOrEqual(0);
      }
      const [header, ...rows] = result.csv.trimEnd().split("\n");
      expect(header!.split(",")).toEqual(expect.arrayContaining(["epoch", "ixt", "ity"]));
      expect(rows).toHaveLength(3);
      expect(lines[0]).toMatch(/^plan: 3 epochs, \d+ circuits, \d+ shots$/);
      expect(lines).toContain(`queued job ${result.jobId} (/v1/jobs/${result.jobId})`);
      expect(lines.at(-1)).toBe("metrics.csv: 3 rows");
      // the job is the key's: the server saw the key the example sent
      const anonymous = await fetch(`${server.base}/v1/jobs/${result.jobId}`);
      expect(anonymous.status).toBe(401);
    }, 90_000);

    it("reports an API error with its code and the field it names", async () => {
      await expect(
        firstJob({ baseUrl: server.base, apiKey: "not-a-configured-key-000" }),
      ).rejects.toThrow(/^dry run: 401 QPLANE_ERR_UNAUTHORIZED: /);
    });
  });
});
