/**
 * Calibration snapshots: a device's calibration at one moment, as `qplane calibration` saves
 * it and a twin backend reads it (docs/noise.md). One JSON document:
 *
 *   {"format": "qplane-calibration/1", "source": "ibm", "device": "ibm_fez",
 *    "fetchedAt": "2026-12-04T16:00:00.000Z", "numQubits": 156,
 *    "basisGates": ["cz", "rz", "sx", "x"], "couplingMap": [[0, 1], [1, 0], ...],
 *    "faultyQubits": [13], "reportedErrors": {"readout": [...], "twoQubit": {"0,1": 0.004}},
 *    "notes": ["qubit 7: T2 = 310 µs > 2·T1 = 280 µs, clamped to 2·T1"],
 *    "noise": { ...a noise-model document (noise-model.ts)... }}
 *
 * `basisGates`, `couplingMap` (directed, faulty qubits and gates already removed; null for
 * all-to-all) and `faultyQubits` are the transpiler's target; `reportedErrors` are the
 * vendor's raw readout and two-qubit gate errors, which the transpiler's layout prefers low
 * (so a twin picks the qubits the hardware run would). `noise` is what the simulator applies.
 *
 * Files are validated on read like any noise model: a bad field is refused with its path
 * (`snapshot.noise.thermalRelaxation.t2Ns.3: T2 … exceeds 2·T1 …`). Vendor data is clamped
 * when the snapshot is built (calibration-formulas.ts); a file is never silently repaired.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { GATE_NAMES, isGateName } from "../../src/circuits/gates.js";
import type { Target } from "../../src/circuits/transpile/index.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { systemErrorReason } from "../../src/errors/describe.js";
import {
  type NoiseModel,
  type noiseModelSchema,
  parseNoiseModel,
  throwFirstNoiseIssue,
} from "./noise-model.js";

export const CALIBRATION_FORMAT = "qplane-calibration/1";
export const CALIBRATION_SOURCES = ["ibm", "braket"] as const;

/** A noise model as written in a file (before parsing into per-gate lookup tables). */
export type NoiseModelDocument = z.input<typeof noiseModelSchema>;

const IN_UNIT_INTERVAL = "must be a probability in [0, 1]";
const probability = z.number().min(0, IN_UNIT_INTERVAL).max(1, IN_UNIT_INTERVAL);
const qubit = z.number().int().min(0);
const gateName = z.string().refine(isGateName, {
  message: `must be a gate name (${GATE_NAMES.join(", ")})`,
});

const snapshotSchema = z
  .strictObject({
    format: z.literal(CALIBRATION_FORMAT),
    source: z.enum(CALIBRATION_SOURCES),
    device: z.string().min(1),
    fetchedAt: z.iso.datetime({ offset: true }),
    numQubits: z.number().int().min(1).max(100_000),
    basisGates: z.array(gateName),
    couplingMap: z.array(z.tuple([qubit, qubit])).nullable(),
    faultyQubits: z.array(qubit).optional(),
    reportedErrors: z
      .strictObject({
        readout: z.array(probability),
        twoQubit: z.record(
          z.string().regex(/^\d+,\d+$/, 'a key must be a pair like "0,1"'),
          probability,
        ),
      })
      .optional(),
    notes: z.array(z.string()).optional(),
    /** Validated by parseNoiseModel, so its errors read like any noise model's. */
    noise: z.record(z.string(), z.unknown()),
  })
  .superRefine((snapshot, context) => {
    const outside = (q: number) => q >= snapshot.numQubits;
    snapshot.couplingMap?.forEach((pair, index) => {
      if (pair.some(outside) || pair[0] === pair[1]) {
        context.addIssue({
          code: "custom",
          path: ["couplingMap", index],
          message: `must couple two different qubits below numQubits ${snapshot.numQubits}`,
        });
      }
    });
    snapshot.faultyQubits?.forEach((q, index) => {
      if (outside(q)) {
        context.addIssue({
          code: "custom",
          path: ["faultyQubits", index],
          message: `must be a qubit below numQubits ${snapshot.numQubits}`,
        });
      }
    });
  });

export type CalibrationSnapshot = Omit<z.output<typeof snapshotSchema>, "noise"> & {
  readonly noise: NoiseModelDocument;
};

/** A snapshot and its noise model parsed for the simulator. */
export interface LoadedCalibration {
  readonly snapshot: CalibrationSnapshot;
  readonly noise: NoiseModel;
}

/**
 * Validates a parsed snapshot document; throws QPLANE_ERR_SIM_NOISE naming the first bad
 * field as `<label>.<path>` and the value found there.
 */
export function parseCalibration(document: unknown, label = "snapshot"): LoadedCalibration {
  const parsed = snapshotSchema.safeParse(document);
  if (!parsed.success) throwFirstNoiseIssue(document, parsed.error, label);
  const snapshot = parsed.data as CalibrationSnapshot;
  const noise = parseNoiseModel(snapshot.noise, `${label}.noise`);
  // per-qubit lists must cover the device: a twin may place a circuit on any of its qubits
  const lists: [string, number | undefined][] = [
    ["thermalRelaxation.t1Ns", noise.thermalRelaxation?.t1Ns.length],
    ["readout", noise.readout?.length],
    ["reportedErrors.readout", snapshot.reportedErrors?.readout.length],
  ];
  for (const [field, length] of lists) {
    if (length !== undefined && length !== snapshot.numQubits) {
      const path = field.startsWith("reported") ? field : `noise.${field}`;
      throw new QplaneError(
        "QPLANE_ERR_SIM_NOISE",
        `${label}.${path}: has ${length} entries; numQubits is ${snapshot.numQubits} (one per qubit)`,
      );
    }
  }
  return { snapshot, noise };
}

/** Reads and validates a snapshot file; errors name the file. */
export function readCalibrationFile(path: string): LoadedCalibration {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_IO",
      `calibration snapshot ${path}: cannot read (${systemErrorReason(error)})`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_SIM_NOISE",
      `calibration snapshot ${path}: not valid JSON (${(error as Error).message})`,
    );
  }
  return parseCalibration(document, `${path}: snapshot`);
}

/**
 * Writes a snapshot as pretty JSON, validated first (a file this writes always reads back)
 * and renamed into place, so a reader never sees half a file.
 */
export function writeCalibrationFile(path: string, snapshot: CalibrationSnapshot): void {
  parseCalibration(snapshot);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(snapshot, null, 2)}\n`);
    renameSync(temporary, path);
  } catch (error) {
    throw new QplaneError(
      "QPLANE_ERR_IO",
      `calibration snapshot ${path}: cannot write (${systemErrorReason(error)})`,
    );
  }
}

/** The transpiler's target for the snapshot's device (module comment). */
export function calibrationTarget(snapshot: CalibrationSnapshot): Target {
  const couplingMap =
    snapshot.couplingMap ??
    // all-to-all: every ordered pair
    Array.from({ length: snapshot.numQubits }, (_, a) =>
      Array.from({ length: snapshot.numQubits }, (_, b) => [a, b] as const),
    )
      .flat()
      .filter(([a, b]) => a !== b);
  return {
    numQubits: snapshot.numQubits,
    basisGates: snapshot.basisGates.filter(isGateName),
    couplingMap,
    readoutError: snapshot.reportedErrors?.readout,
    twoQubitError: snapshot.reportedErrors?.twoQubit,
    faultyQubits: snapshot.faultyQubits,
  };
}
