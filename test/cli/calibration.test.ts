/**
 * `qplane calibration` as a user runs it (the compiled CLI in a child process) against the
 * fake IBM service: the snapshot it writes, and its errors for an unknown backend, a local
 * backend, an unreachable service and a missing option.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibrationFromIbm } from "../../providers/ibm/calibration.js";
import { snapshotFromCalibration } from "../../providers/local/calibration-noise.js";
import { readCalibrationFile } from "../../providers/local/calibration-snapshot.js";
import type { IbmBackendProperties } from "../../src/circuits/transpile/index.js";
import { IBM_CONFIGURATION, IBM_PROPERTIES, TWIN_DEVICE } from "../fixtures/calibration/ibm.js";
import {
  FAKE_API_KEY,
  FAKE_CRN,
  type FakeIbmServer,
  startFakeIbm,
} from "../providers/ibm/fake-server.js";

const bin = fileURLToPath(new URL("../../bin/qplane.js", import.meta.url));

/** Runs the CLI without blocking this process's event loop (the fake server lives here). */
function qplane(env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let fake: FakeIbmServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeIbm({ device: TWIN_DEVICE, properties: IBM_PROPERTIES });
  dir = mkdtempSync(join(tmpdir(), "qplane-calibration-cli-"));
  const backends = join(dir, "backends.yaml");
  writeFileSync(
    backends,
    JSON.stringify({
      backends: [
        {
          name: "fake-ibm",
          provider: "ibm",
          device: "fake_twin",
          instanceCrn: FAKE_CRN,
          baseUrl: fake.baseUrl,
          iamUrl: fake.iamUrl,
        },
        {
          name: "ibm-down",
          provider: "ibm",
          device: "fake_twin",
          instanceCrn: FAKE_CRN,
          // nothing listens on port 9 (discard) here: connections are refused
          baseUrl: "http://127.0.0.1:9/api/v1",
          iamUrl: fake.iamUrl,
        },
      ],
    }),
  );
  env = { QPLANE_BACKENDS: backends, IBM_CLOUD_API_KEY: FAKE_API_KEY };
});
afterAll(() => fake.close());

describe("qplane calibration", () => {
  it("writes the backend's snapshot and prints a summary line", async () => {
    const out = join(dir, "fake_twin.json");
    const { code, stdout, stderr } = await qplane(
      env,
      "calibration",
      "--backend",
      "fake-ibm",
      "--out",
      out,
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const written = readCalibrationFile(out).snapshot;
    const expected = snapshotFromCalibration(
      calibrationFromIbm(IBM_CONFIGURATION, IBM_PROPERTIES as IbmBackendProperties, {
        device: "fake_twin",
        fetchedAt: new Date(written.fetchedAt),
      }),
    );
    expect(written).toEqual(expected);
    expect(Date.now() - Date.parse(written.fetchedAt)).toBeLessThan(60_000);
    expect(JSON.parse(stdout)).toEqual({
      out,
      source: "ibm",
      device: "fake_twin",
      fetchedAt: written.fetchedAt,
      numQubits: 4,
      faultyQubits: [3],
      notes: ["qubit 1: T2 = 120000 ns exceeds 2·T1 = 100000 ns; clamped to 2·T1 (as Qiskit Aer)"],
    });
    // pretty JSON, one field a line: a file people read and diff
    expect(readFileSync(out, "utf8")).toMatch(/^\{\n {2}"format": "qplane-calibration\/1",\n/);
  });

  it("refuses an unknown backend and a local one, listing those with a calibration", async () => {
    const unknown = await qplane(env, "calibration", "--backend", "nope", "--out", "x.json");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'qplane: error: --backend: unknown backend "nope" (backends with a calibration: fake-ibm, ibm-down)\n',
    );
    const local = await qplane(env, "calibration", "--backend", "local-noisy", "--out", "x.json");
    expect(local.code).toBe(1);
    expect(local.stderr).toBe(
      'qplane: error: --backend: "local-noisy" is a local simulator, which has no calibration (backends with a calibration: fake-ibm, ibm-down)\n',
    );
  });

  it("reports an unreachable service in one line and writes nothing", async () => {
    const out = join(dir, "down.json");
    const { code, stderr } = await qplane(
      env,
      "calibration",
      "--backend",
      "ibm-down",
      "--out",
      out,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^qplane: error: IBM Quantum GET \/backends\/fake_twin\/(configuration|properties) failed after 3 attempts: .*ECONNREFUSED.*\(endpoint 127\.0\.0\.1:9\)\n$/,
    );
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });

  it("requires --out", async () => {
    const { code, stderr } = await qplane(env, "calibration", "--backend", "fake-ibm");
    expect(code).toBe(1);
    expect(stderr).toMatch(/required option '--out <file>' not specified/);
  });
});
