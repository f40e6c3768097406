import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_BACKENDS, loadBackends } from "../../src/backends/config.js";

const dir = mkdtempSync(join(tmpdir(), "qplane-backends-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const CRN = "crn:v1:bluemix:public:quantum-computing:us-east:a/abc123:def456::";

describe("backends from configuration", () => {
  it("always has local and local-noisy", () => {
    expect(loadBackends(undefined).map((b) => b.name)).toEqual(["local", "local-noisy"]);
    expect(BUILTIN_BACKENDS[1]).toMatchObject({
      provider: "local",
      readoutError: { p1Given0: 0.015, p0Given1: 0.03 },
    });
  });

  it("reads IBM and Braket backends from YAML, after the built-ins", () => {
    const path = file(
      "backends.yaml",
      `backends:
  - { name: ibm-fez, provider: ibm, device: ibm_fez, instanceCrn: "${CRN}" }
  - name: braket-garnet
    provider: braket
    deviceArn: arn:aws:braket:eu-north-1::device/qpu/iqm/Garnet
    s3Bucket: amazon-braket-qplane
    s3Prefix: tasks
    region: eu-north-1
`,
    );
    const backends = loadBackends(path);
    expect(backends.map((b) => b.name)).toEqual([
      "local",
      "local-noisy",
      "ibm-fez",
      "braket-garnet",
    ]);
    expect(backends[2]).toEqual({
      name: "ibm-fez",
      provider: "ibm",
      device: "ibm_fez",
      instanceCrn: CRN,
    });
  });

  it.each([
    [
      "dup.json",
      JSON.stringify([{ name: "local", provider: "local" }]),
      /backend "local" is defined twice/,
    ],
    [
      "crn.json",
      JSON.stringify([{ name: "x", provider: "ibm", device: "d", instanceCrn: "nope" }]),
      /backends\.0\.instanceCrn: must be an IBM Quantum instance CRN/,
    ],
    [
      "extra.json",
      JSON.stringify([{ name: "x", provider: "local", apiKey: "s3cret" }]),
      /backends\.0\.apiKey: unknown field/,
    ],
    [
      "name.json",
      JSON.stringify([{ name: "https://evil", provider: "local" }]),
      /backends\.0\.name: must be lowercase/,
    ],
    [
      "price.json",
      JSON.stringify([
        {
          name: "x",
          provider: "ibm",
          device: "d",
          instanceCrn: CRN,
          pricing: { perTaskUsd: -1, perShotUsd: 0 },
        },
      ]),
      /backends\.0\.pricing\.perTaskUsd: Too small/,
    ],
    [
      "local-price.json",
      JSON.stringify([{ name: "x", provider: "local", pricing: { perTaskUsd: 1, perShotUsd: 0 } }]),
      /backends\.0\.pricing: unknown field/,
    ],
    ["broken.json", "{", /is not valid JSON\/YAML/],
  ])("refuses %s with one line naming the field", (name, text, message) => {
    expect(() => loadBackends(file(name, text))).toThrow(message);
  });

  it("reads IBM execution settings and Sampler options", () => {
    const ibm = {
      name: "ibm-fez",
      provider: "ibm",
      device: "ibm_fez",
      instanceCrn: CRN,
      executionMode: "batch",
      sessionMaxTtlSeconds: 7200,
      maxRowsPerPub: 500,
      fractionalGates: true,
      options: {
        dynamical_decoupling: { enable: true, sequence_type: "XpXm" },
        twirling: {
          enable_gates: false,
          enable_measure: true,
          num_randomizations: "auto",
          shots_per_randomization: 64,
        },
      },
    };
    const [, , loaded] = loadBackends(file("exec.json", JSON.stringify({ backends: [ibm] })));
    expect(loaded).toEqual(ibm);
  });

  it.each([
    [
      { executionMode: "batchy" },
      'backends.0.executionMode: Invalid option: expected one of "job"|"batch"|"session" (got "batchy")',
    ],
    [
      { maxRowsPerPub: 0 },
      "backends.0.maxRowsPerPub: Too small: expected number to be >=1 (got 0)",
    ],
    [
      { sessionMaxTtlSeconds: 1.5 },
      "backends.0.sessionMaxTtlSeconds: Invalid input: expected int, received number (got 1.5)",
    ],
    [
      { options: { twirling: { enable_gates: true, seed: 3 } } },
      "backends.0.options.twirling.seed: unknown field",
    ],
    [
      { options: { dynamical_decoupling: { enable: "yes" } } },
      'backends.0.options.dynamical_decoupling.enable: Invalid input: expected boolean, received string (got "yes")',
    ],
    [
      { fractionalGates: true, options: { twirling: { enable_gates: true } } },
      "backends.0.options.twirling.enable_gates: gate twirling cannot be combined with fractional gates (rx, rzz): IBM fails such jobs with error 1519; set fractionalGates: false or twirling.enable_gates: false (got true)",
    ],
  ])("refuses bad IBM execution settings %j, naming the field and value", (fields, message) => {
    const path = file(
      "bad-exec.yaml",
      JSON.stringify({
        backends: [{ name: "ibm-x", provider: "ibm", device: "d", instanceCrn: CRN, ...fields }],
      }),
    );
    expect(() => loadBackends(path)).toThrow(`QPLANE_BACKENDS: ${path}: ${message}`);
  });

  it("names the field of a wrapped file, and refuses other top-level keys", () => {
    const wrapped = file(
      "wrapped.json",
      JSON.stringify({ backends: [{ name: "x", provider: "quantum" }] }),
    );
    expect(() => loadBackends(wrapped)).toThrow(/backends\.0\.provider: /);
    const extra = file("extra-top.json", JSON.stringify({ backends: [], devices: [] }));
    expect(() => loadBackends(extra)).toThrow(
      /devices: unknown field \(expected only "backends"\)/,
    );
    const scalar = file("scalar.json", "42");
    expect(() => loadBackends(scalar)).toThrow(
      /expected \{backends: \[\.\.\.\]\} or a list of backends/,
    );
  });

  it("reads a price table on IBM and Braket backends", () => {
    const pricing = { perTaskUsd: 0.3, perShotUsd: 0.00145 };
    const backends = loadBackends(
      file(
        "priced.json",
        JSON.stringify([
          { name: "ibm-x", provider: "ibm", device: "ibm_fez", instanceCrn: CRN, pricing },
          {
            name: "braket-x",
            provider: "braket",
            deviceArn: "arn:aws:braket:eu-north-1::device/qpu/iqm/Garnet",
            s3Bucket: "bucket",
            s3Prefix: "tasks",
            region: "eu-north-1",
            pricing,
          },
        ]),
      ),
    );
    expect(backends.slice(2).map((backend) => "pricing" in backend && backend.pricing)).toEqual([
      pricing,
      pricing,
    ]);
  });

  it("names an unreadable file", () => {
    expect(() => loadBackends(join(dir, "missing.yaml"))).toThrow(
      /QPLANE_BACKENDS: cannot read .*missing\.yaml \(ENOENT\)/,
    );
  });
});
