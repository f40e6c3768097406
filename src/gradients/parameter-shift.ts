/**
 * The parameter-shift rule: exact derivatives of outcome probabilities from evaluations of
 * shifted circuits, so it works on any backend (exact probabilities or shot estimates).
 *
 * A weight may feed several gates through different affine maps, so the circuit is first
 * expanded so that every weight occurrence is its own column holding the gate angle
 * (`scale·w + offset`). Each occurrence is shifted separately and the chain rule sums
 * `scale · ∂f/∂angle` back onto its weight. All shifted rows of a call form ONE parameter
 * matrix, so a hardware backend sees one submission per optimisation step.
 *
 * Rules (f′(θ) from f at shifted angles):
 * - rx ry rz p rzz and each u3 angle (generator eigenvalues ±½): two-term,
 *   f′ = [f(θ+π/2) − f(θ−π/2)] / 2.
 * - crx cry crz (generator eigenvalues {0, ±½}): four-term (Anselmetti et al. 2021),
 *   f′ = c₊[f(θ+π/2) − f(θ−π/2)] − c₋[f(θ+3π/2) − f(θ−3π/2)], c± = (√2 ± 1)/(4√2).
 */
import type { GateName } from "../circuits/gates.js";
import {
  type Angle,
  type Circuit,
  createCircuit,
  isParameterAngle,
  weight,
} from "../circuits/ir.js";
import type { ParameterMatrix, ParameterRowsInput } from "../circuits/parameters.js";
import { toParameterMatrix } from "../circuits/parameters.js";
import type { GradientMethod } from "./method.js";

const FOUR_TERM_GATES: ReadonlySet<GateName> = new Set(["crx", "cry", "crz"]);
const C_PLUS = (Math.SQRT2 + 1) / (4 * Math.SQRT2);
const C_MINUS = (Math.SQRT2 - 1) / (4 * Math.SQRT2);

interface Shift {
  readonly delta: number;
  readonly coefficient: number;
}

const TWO_TERM: readonly Shift[] = [
  { delta: Math.PI / 2, coefficient: 0.5 },
  { delta: -Math.PI / 2, coefficient: -0.5 },
];
const FOUR_TERM: readonly Shift[] = [
  { delta: Math.PI / 2, coefficient: C_PLUS },
  { delta: -Math.PI / 2, coefficient: -C_PLUS },
  { delta: (3 * Math.PI) / 2, coefficient: -C_MINUS },
  { delta: (-3 * Math.PI) / 2, coefficient: C_MINUS },
];

export interface WeightOccurrence {
  /** Column of the weight in the original circuit. */
  readonly weightColumn: number;
  /** Index of the weight among the original circuit's weights (gradient column). */
  readonly weightIndex: number;
  /** Column of this occurrence's angle in the expanded circuit. */
  readonly expandedColumn: number;
  readonly scale: number;
  readonly offset: number;
  readonly shifts: readonly Shift[];
}

export interface ExpandedCircuit {
  readonly circuit: Circuit;
  readonly occurrences: readonly WeightOccurrence[];
  /** For each expanded input column, the original column it copies. */
  readonly inputColumns: readonly number[];
}

/** Shifted evaluations of one occurrence of a weight in a gate of this kind. */
export function shiftsPerOccurrence(gate: GateName): number {
  return (FOUR_TERM_GATES.has(gate) ? FOUR_TERM : TWO_TERM).length;
}

const expansions = new WeakMap<Circuit, ExpandedCircuit>();

/** The circuit with one angle column per weight occurrence (cached per circuit). */
export function expandWeightOccurrences(circuit: Circuit): ExpandedCircuit {
  const cached = expansions.get(circuit);
  if (cached) return cached;
  const columnOf = new Map(circuit.parameters.map((p, column) => [`${p.kind}:${p.name}`, column]));
  const weightIndexOf = new Map<number, number>();
  circuit.parameters.forEach((p, column) => {
    if (p.kind === "weight") weightIndexOf.set(column, weightIndexOf.size);
  });
  const inputs = circuit.parameters.filter((p) => p.kind === "input");
  const pending: Omit<WeightOccurrence, "expandedColumn">[] = [];
  const gates = circuit.gates.map((gate) => ({
    ...gate,
    args: gate.args.map((arg): Angle => {
      if (!isParameterAngle(arg) || arg.kind !== "weight") return arg;
      const weightColumn = columnOf.get(`weight:${arg.name}`)!;
      pending.push({
        weightColumn,
        weightIndex: weightIndexOf.get(weightColumn)!,
        scale: arg.scale,
        offset: arg.offset,
        shifts: FOUR_TERM_GATES.has(gate.name) ? FOUR_TERM : TWO_TERM,
      });
      return weight(`occurrence${pending.length - 1}`);
    }),
  }));
  const expanded = createCircuit({ ...circuit, gates, parameters: inputs });
  const occurrences = pending.map((occurrence, k) => ({
    ...occurrence,
    expandedColumn: inputs.length + k,
  }));
  const result = {
    circuit: expanded,
    occurrences,
    inputColumns: inputs.map((p) => columnOf.get(`input:${p.name}`)!),
  };
  expansions.set(circuit, result);
  return result;
}

/** Evaluates register probabilities (exact or estimated) for each row of a matrix. */
export type ProbabilityEvaluator = (
  circuit: Circuit,
  rows: ParameterMatrix,
) => Float64Array | Promise<Float64Array>;

export interface ParameterShiftJacobian {
  readonly rows: number;
  readonly outcomeCount: number;
  readonly weightCount: number;
  /** jacobian[(row · outcomeCount + t) · weightCount + w] = ∂p_t/∂w at that row. */
  readonly jacobian: Float64Array;
  /** With `includeUnshifted`: p_t at the unshifted point, rows × outcomeCount. */
  readonly probabilities: Float64Array | null;
  /** Number of circuit evaluations spent. */
  readonly evaluations: number;
}

export interface ParameterShiftOptions {
  /**
   * Also evaluate every row unshifted, in the same batch (one submission per step), and
   * return those probabilities. @defaultValue false
   */
  readonly includeUnshifted?: boolean;
}

/** ∂p_t/∂w for every row, outcome and weight, from one batched evaluator call. */
export async function parameterShiftJacobian(
  circuit: Circuit,
  rows: ParameterRowsInput,
  evaluate: ProbabilityEvaluator,
  options: ParameterShiftOptions = {},
): Promise<ParameterShiftJacobian> {
  const includeUnshifted = options.includeUnshifted ?? false;
  const matrix = toParameterMatrix(circuit, rows);
  const { circuit: expanded, occurrences, inputColumns } = expandWeightOccurrences(circuit);
  const weightCount = circuit.parameters.filter((p) => p.kind === "weight").length;
  const outcomeCount = 2 ** circuit.numClbits;
  const shiftsPerRow =
    occurrences.reduce((total, occurrence) => total + occurrence.shifts.length, 0) +
    (includeUnshifted ? 1 : 0);
  const cols = expanded.parameters.length;
  const shiftedRows = matrix.rows * shiftsPerRow;
  const values = new Float64Array(shiftedRows * cols);
  let r = 0;
  for (let row = 0; row < matrix.rows; row++) {
    const source = row * matrix.cols;
    const base = new Float64Array(cols);
    inputColumns.forEach((column, k) => {
      base[k] = matrix.values[source + column]!;
    });
    for (const occurrence of occurrences) {
      base[occurrence.expandedColumn] =
        occurrence.scale * matrix.values[source + occurrence.weightColumn]! + occurrence.offset;
    }
    if (includeUnshifted) values.set(base, r++ * cols);
    for (const occurrence of occurrences) {
      for (const shift of occurrence.shifts) {
        values.set(base, r * cols);
        values[r * cols + occurrence.expandedColumn]! += shift.delta;
        r++;
      }
    }
  }
  const probabilities =
    shiftedRows === 0
      ? new Float64Array(0)
      : await evaluate(expanded, { rows: shiftedRows, cols, values });
  const jacobian = new Float64Array(matrix.rows * outcomeCount * weightCount);
  const unshifted = includeUnshifted ? new Float64Array(matrix.rows * outcomeCount) : null;
  r = 0;
  for (let row = 0; row < matrix.rows; row++) {
    if (unshifted) {
      for (let t = 0; t < outcomeCount; t++)
        unshifted[row * outcomeCount + t] = probabilities[r * outcomeCount + t]!;
      r++;
    }
    for (const occurrence of occurrences) {
      for (const shift of occurrence.shifts) {
        const factor = occurrence.scale * shift.coefficient;
        for (let t = 0; t < outcomeCount; t++) {
          jacobian[(row * outcomeCount + t) * weightCount + occurrence.weightIndex]! +=
            factor * probabilities[r * outcomeCount + t]!;
        }
        r++;
      }
    }
  }
  return {
    rows: matrix.rows,
    outcomeCount,
    weightCount,
    jacobian,
    probabilities: unshifted,
    evaluations: shiftedRows,
  };
}

/**
 * The parameter-shift rule as a gradient method: every row's shifted circuits and the row
 * itself (for the loss) in ONE provider call per step, then each row's cotangent contracted
 * with its Jacobian and carried back onto the model's weights.
 */
export const parameterShiftMethod: GradientMethod = {
  name: "parameter-shift",
  async lossAndGradient(objective, weights, gradient) {
    const { circuit, circuitWeights, batchSize, shots } = objective;
    const outcomeCount = 2 ** circuit.numClbits;
    const cotangent = new Float64Array(outcomeCount);
    const shifted = await parameterShiftJacobian(
      circuit,
      objective.rows(weights, 0, batchSize),
      (expanded, matrix) => objective.probabilities(expanded, matrix, shots),
      { includeUnshifted: true },
    );
    const p = shifted.probabilities!;
    // circuit weights that are the model's own are summed in place, row after row
    const direct = objective.circuitWeightsAreModelWeights;
    const rowGradient = direct ? gradient : new Float64Array(circuitWeights);
    let loss = 0;
    for (let row = 0; row < batchSize; row++) {
      cotangent.fill(0);
      if (!direct) rowGradient.fill(0);
      loss += objective.loss({
        probabilities: p,
        offset: row * outcomeCount,
        outcomeCount,
        batchSize,
        cotangent,
        row,
        weights,
      });
      for (let t = 0; t < outcomeCount; t++) {
        const g = cotangent[t]!;
        if (g === 0) continue;
        const base = (row * outcomeCount + t) * circuitWeights;
        for (let w = 0; w < circuitWeights; w++) rowGradient[w]! += g * shifted.jacobian[base + w]!;
      }
      if (!direct) objective.addRowGradient(rowGradient, 0, row, gradient);
    }
    objective.addOutsideGradient(gradient);
    return { loss: loss / batchSize, circuitEvaluations: shifted.evaluations };
  },
};
