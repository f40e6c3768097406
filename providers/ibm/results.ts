/**
 * Sampler V2 plain-JSON results (`support_qiskit: false`): `results[pub].data.<creg>.samples`
 * holds one hex string per shot whose integer has bit i = c[i] (LSB = c[0]). How a parameter
 * sweep nests the samples is unverified, so both forms are accepted: a flat list (one
 * binding) and one list per parameter row (`samples[row][shot]`).
 */
import { QplaneError } from "../../src/errors/catalogue.js";
import type { CountsResult } from "../types.js";

const HEX = /^0x[0-9a-fA-F]+$/;

/** The integer of one hex sample (exact at any width). */
export function decodeHexSample(hex: string): bigint {
  if (typeof hex !== "string" || !HEX.test(hex)) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM result sample ${JSON.stringify(hex)} is not a hex string`,
    );
  }
  return BigInt(hex);
}

/** The sample as a bitstring of `numBits` characters, c[0] rightmost (Qiskit's order). */
export function sampleBitstring(hex: string, numBits: number): string {
  const value = decodeHexSample(hex);
  if (value >> BigInt(numBits) !== 0n) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM result sample ${hex} does not fit in ${numBits} bit(s)`,
    );
  }
  return value.toString(2).padStart(numBits, "0");
}

/** Sparse counts per row keyed by bitstring (c[0] rightmost); any register width. */
export function sparseCounts(samplesPerRow: readonly (readonly string[])[], numBits: number) {
  return samplesPerRow.map((samples) => {
    const counts = new Map<string, number>();
    for (const hex of samples) {
      const key = sampleBitstring(hex, numBits);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  });
}

/** Splits a register's `samples` into rows: nested lists as they are, a flat list as one row. */
export function samplesByRow(samples: unknown): string[][] {
  if (!Array.isArray(samples)) {
    throw new QplaneError("QPLANE_ERR_PROVIDER_REJECTED", "IBM result has no samples list");
  }
  if (samples.length === 0 || samples.every((s) => typeof s === "string")) {
    return [samples as string[]];
  }
  if (samples.every((row) => Array.isArray(row) && row.every((s) => typeof s === "string"))) {
    return samples as string[][];
  }
  throw new QplaneError(
    "QPLANE_ERR_PROVIDER_REJECTED",
    "IBM result samples are neither a list of hex strings nor one such list per parameter row",
  );
}

/** The `samples` of classical register `register` of the first PUB of a results body. */
export function registerSamples(body: unknown, register: string): unknown {
  const results = (body as { results?: unknown } | null | undefined)?.results;
  if (!Array.isArray(results) || results.length === 0) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      "IBM result has no `results` list (was support_qiskit enabled?)",
    );
  }
  const data = (results[0] as { data?: Record<string, { samples?: unknown }> }).data;
  const entry = data?.[register];
  if (entry === undefined) {
    const found = Object.keys(data ?? {}).join(", ") || "none";
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM result has no classical register "${register}" (registers: ${found})`,
    );
  }
  return entry.samples;
}

/**
 * Dense counts (row-major rows × 2^numBits, outcome index Σ c[i]·2^i) from the samples of
 * each parameter row. With `splitFlat`, a flat list of rows × shots samples is cut into
 * `rows` consecutive runs of `shots` (used when a parameterless circuit runs rows × shots).
 */
export function denseCounts(
  samples: unknown,
  numBits: number,
  rows: number,
  shots: number,
  splitFlat = false,
): CountsResult {
  let perRow = samplesByRow(samples);
  if (splitFlat && perRow.length === 1 && rows > 1) {
    const flat = perRow[0]!;
    perRow = Array.from({ length: rows }, (_, r) => flat.slice(r * shots, (r + 1) * shots));
  }
  if (perRow.length !== rows) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM result has samples for ${perRow.length} parameter row(s); ${rows} were submitted`,
    );
  }
  const outcomeCount = 2 ** numBits;
  const values = new Uint32Array(rows * outcomeCount);
  perRow.forEach((rowSamples, row) => {
    if (rowSamples.length !== shots) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_REJECTED",
        `IBM result row ${row} has ${rowSamples.length} sample(s); ${shots} shots were requested`,
      );
    }
    for (const hex of rowSamples) {
      const outcome = decodeHexSample(hex);
      if (outcome >= BigInt(outcomeCount)) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_REJECTED",
          `IBM result sample ${hex} does not fit in ${numBits} bit(s)`,
        );
      }
      const k = row * outcomeCount + Number(outcome);
      values[k] = (values[k] ?? 0) + 1;
    }
  });
  return { kind: "counts", rows, outcomeCount, shots, values };
}
