/**
 * What one Braket run submits: the shot checks against the device, the batches of parameter
 * rows (one task per row, or program-set tasks of as many rows as the limits allow), each
 * task's idempotency token and its `action` document. Pure functions of the fitted circuit,
 * the matrix and the device.
 */
import { createHash } from "node:crypto";
import type { Circuit } from "../../src/circuits/ir.js";
import type { ParameterMatrix } from "../../src/circuits/parameters.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { type BraketDevice, OPENQASM_PROGRAM, OPENQASM_PROGRAM_SET } from "./device.js";
import type { BraketProgram } from "./gates.js";

/** Deterministic idempotency token of one CreateQuantumTask (≤ 64 characters). */
export function clientTokenFor(jobId: string, batchIndex: number): string {
  return createHash("sha256").update(`${jobId}:${batchIndex}`).digest("hex").slice(0, 64);
}

/** A slice of parameter rows submitted as one task. */
export interface Batch {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

export interface Plan {
  readonly device: BraketDevice;
  readonly matrix: ParameterMatrix;
  /** The circuit as submitted: placed, routed and decomposed for the device. */
  readonly circuit: Circuit;
  readonly program: BraketProgram;
  /** shots = 0: exact probabilities from a probability result type. */
  readonly exact: boolean;
  readonly programSet: boolean;
  readonly batches: readonly Batch[];
}

/** Refuses shot counts the device does not take, naming the device and its limits. */
export function checkShots(shots: number, device: BraketDevice, where: string): void {
  const [minShots, maxShots] = device.shotsRange;
  if (shots === 0) {
    if (device.exactProbabilities) return;
    const why =
      device.type === "QPU"
        ? "it is a QPU and only samples"
        : "its service.shotsRange or Probability result type does not allow 0 shots";
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots = 0 (exact probabilities) is not available on ${where}: ${why} (shotsRange [${minShots}, ${maxShots}]); set shots to ${Math.max(1, minShots)}..${maxShots}`,
    );
  }
  if (!Number.isInteger(shots) || shots < Math.max(1, minShots)) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots must be an integer in ${Math.max(1, minShots)}..${maxShots} on ${where}, got ${shots}`,
    );
  }
  if (shots > maxShots) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots ${shots} exceed the maximum ${maxShots} of ${where}`,
    );
  }
}

/**
 * Rows split over as few program-set tasks as the limits allow, balanced so the smallest
 * task is as large as possible (it must reach `minimumTotalShots`).
 */
export function programSetBatches(
  rows: number,
  shots: number,
  limits: NonNullable<BraketDevice["programSet"]>,
  where: string,
): Batch[] {
  const { tasks, base } = programSetTasks(rows, shots, limits, where);
  const batches: Batch[] = [];
  for (let index = 0, start = 0; index < tasks; index++) {
    const size = base + (index < rows % tasks ? 1 : 0);
    batches.push({ index, start, end: start + size });
    start += size;
  }
  return batches;
}

/** How many program-set tasks `rows` rows need, and the smallest task's rows; checks the limits. */
export function programSetTasks(
  rows: number,
  shots: number,
  limits: NonNullable<BraketDevice["programSet"]>,
  where: string,
): { tasks: number; base: number } {
  const { maximumExecutables, maximumTotalShots, minimumTotalShots } = limits;
  const perTask = Math.min(maximumExecutables, Math.floor(maximumTotalShots / shots));
  if (perTask < 1) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `shots ${shots} exceed the program-set maximumTotalShots ${maximumTotalShots} of ${where}`,
    );
  }
  const tasks = Math.ceil(rows / perTask);
  const base = Math.floor(rows / tasks);
  if (base * shots < minimumTotalShots) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `${rows} parameter row(s) × ${shots} shots in ${tasks} program-set task(s) give ${base * shots} shots in the smallest task, below the minimumTotalShots ${minimumTotalShots} of ${where}; use at least ${Math.ceil(minimumTotalShots / base)} shots`,
    );
  }
  return { tasks, base };
}

/** The `action` of the task running `batch`: one program, or a program set of its rows. */
export function taskAction(plan: Plan, batch: Batch): string {
  const { program, matrix, programSet } = plan;
  const header = { name: OPENQASM_PROGRAM, version: "1" };
  const column = (col: number, row: number) => matrix.values[row * matrix.cols + col]!;
  if (!programSet) {
    const inputs = Object.fromEntries(
      program.inputNames.map((name, col) => [name, column(col, batch.start)]),
    );
    return JSON.stringify({ braketSchemaHeader: header, source: program.source, inputs });
  }
  const rows = Array.from({ length: batch.end - batch.start }, (_, k) => batch.start + k);
  const programs =
    matrix.cols === 0
      ? rows.map(() => ({ braketSchemaHeader: header, source: program.source, inputs: {} }))
      : [
          {
            braketSchemaHeader: header,
            source: program.source,
            inputs: Object.fromEntries(
              program.inputNames.map((name, col) => [name, rows.map((row) => column(col, row))]),
            ),
          },
        ];
  return JSON.stringify({
    braketSchemaHeader: { name: OPENQASM_PROGRAM_SET, version: "1" },
    programs,
  });
}
