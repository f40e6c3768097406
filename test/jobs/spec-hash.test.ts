/** The spec hash: one value for the same training on any backend, another for any other run. */
import { describe, expect, it } from "vitest";
import { canonicalJson, sha256 } from "../../src/jobs/hashing.js";
import { comparableSpec, specHashOf } from "../../src/jobs/spec-hash.js";
import { parseJobSpec } from "../../src/training/spec.js";

const base = { dataset: { name: "moons", samples: 40 }, training: { epochs: 3 } };
const hashOf = (input: Record<string, unknown>) => specHashOf(parseJobSpec({ ...base, ...input }));

describe("specHashOf", () => {
  it("ignores the backend's name and budgets, and nothing else", () => {
    const device = hashOf({ backend: { name: "ibm-fez", shots: 500, maxCost: 2, maxShots: 9e6 } });
    expect(device).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf({ backend: { name: "ibm-fez-twin", shots: 500 } })).toBe(device);
    expect(hashOf({ backend: { name: "ibm-fez", shots: 501 } })).not.toBe(device);
    expect(hashOf({ backend: { shots: 500 }, training: { epochs: 3, seed: 2 } })).not.toBe(device);
    expect(hashOf({ backend: { shots: 500 }, dataset: { name: "moons", samples: 41 } })).not.toBe(
      device,
    );
  });

  it("hashes the spec with defaults applied, keys in canonical order", () => {
    const spec = parseJobSpec({ ...base, backend: { name: "local-noisy", shots: 100 } });
    expect(comparableSpec(spec)).toEqual({ ...spec, backend: { shots: 100 } });
    expect(specHashOf(spec)).toBe(sha256(canonicalJson({ ...spec, backend: { shots: 100 } })));
    // a spec written with its defaults spelled out is the same spec
    expect(hashOf({ backend: { shots: 100 }, feedback: { mode: "off" } })).toBe(specHashOf(spec));
  });
});
