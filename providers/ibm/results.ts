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

/** The `samples` of classical register `register` of PUB `pub` of a results body. */
export function registerSamples(body: unknown, register: string, pub = 0): unknown {
  const results = (body as { results?: unknown } | null | undefined)?.results;
  if (!Array.isArray(results) || results.length === 0) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      "IBM result has no `results` list (was support_qiskit enabled?)",
    );
  }
  if (pub >= results.length) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM result has ${results.length} PUB result(s); PUB ${pub} is missing`,
    );
  }
  const data = (results[pub] as { data?: Record<string, { samples?: unknown }> }).data;
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

/** What one submitted PUB yields: `rows` parameter rows; `flatShots` when they share one binding. */
export interface PubLayout {
  readonly rows: number;
  /** Set for a parameterless PUB run rows × flatShots times: its flat samples are cut per row. */
  readonly flatShots?: number;
}

/** The samples of each parameter row, in row order, from a job's PUB results. */
export function jobRowSamples(
  body: unknown,
  register: string,
  pubs: readonly PubLayout[],
): string[][] {
  const results = (body as { results?: unknown } | null | undefined)?.results;
  if (Array.isArray(results) && results.length !== pubs.length) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_REJECTED",
      `IBM result has ${results.length} PUB result(s); ${pubs.length} PUB(s) were submitted`,
    );
  }
  const rows: string[][] = [];
  pubs.forEach((layout, pub) => {
    let perRow = samplesByRow(registerSamples(body, register, pub));
    if (layout.flatShots !== undefined && perRow.length === 1 && layout.rows > 1) {
      const flat = perRow[0]!;
      const shots = layout.flatShots;
      perRow = Array.from({ length: layout.rows }, (_, r) =>
        flat.slice(r * shots, (r + 1) * shots),
      );
    }
    if (perRow.length !== layout.rows) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_REJECTED",
        `IBM result PUB ${pub} has samples for ${perRow.length} parameter row(s); ${layout.rows} were submitted`,
      );
    }
    for (const row of perRow) rows.push(row);
  });
  return rows;
}

/**
 * Dense counts (row-major rows × 2^numBits, outcome index Σ c[i]·2^i) from the samples of
 * each row. `shots` is the exact sample count every row must have; undefined accepts any
 * count shared by all rows (twirled PUBs return num_randomizations × shots_per_randomization
 * samples, which the service may round up from the requested shots).
 */
export function countRows(
  perRow: readonly (readonly string[])[],
  numBits: number,
  shots: number | undefined,
): CountsResult {
  const rows = perRow.length;
  const perRowShots = shots ?? perRow[0]?.length ?? 0;
  const outcomeCount = 2 ** numBits;
  const values = new Uint32Array(rows * outcomeCount);
  const limit = BigInt(outcomeCount);
  perRow.forEach((rowSamples, row) => {
    if (rowSamples.length !== perRowShots || perRowShots === 0) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_REJECTED",
        shots !== undefined
          ? `IBM result row ${row} has ${rowSamples.length} sample(s); ${shots} shots were requested`
          : `IBM result row ${row} has ${rowSamples.length} sample(s); row 0 has ${perRowShots}`,
      );
    }
    const base = row * outcomeCount;
    for (const hex of rowSamples) {
      const outcome = decodeHexSample(hex);
      if (outcome >= limit) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_REJECTED",
          `IBM result sample ${hex} does not fit in ${numBits} bit(s)`,
        );
      }
      const k = base + Number(outcome);
      values[k] = (values[k] ?? 0) + 1;
    }
  });
  return { kind: "counts", rows, outcomeCount, shots: perRowShots, values };
}

/**
 * Dense counts from one register's `samples` (flat: one row; nested: one list per row).
 * With `splitFlat`, a flat list of rows × shots samples is cut into `rows` runs of `shots`.
 */
export function denseCounts(
  samples: unknown,
  numBits: number,
  rows: number,
  shots: number,
  splitFlat = false,
): CountsResult {
  const body = { results: [{ data: { c: { samples } } }] };
  const layout: PubLayout = splitFlat ? { rows, flatShots: shots } : { rows };
  return countRows(jobRowSamples(body, "c", [layout]), numBits, shots);
}
