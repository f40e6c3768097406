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
      /backends\.0: Unrecognized key: "apiKey"/,
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
      /backends\.0: Unrecognized key: "pricing"/,
    ],
    ["broken.json", "{", /is not valid JSON\/YAML/],
  ])("refuses %s with one line naming the field", (name, text, message) => {
    expect(() => loadBackends(file(name, text))).toThrow(message);
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
