/**
 * Noise-model files for the density-matrix simulator, in Qiskit Aer's conventions:
 *
 *   depolarizing:       probability p per gate, ρ → (1 − p)·ρ + p·I/2ᵏ ⊗ Tr_gate(ρ) on the k
 *                       qubits of the gate, after it (Qiskit depolarizing_error(p, k));
 *   thermalRelaxation:  per-qubit T1, T2 and per-gate durations; each qubit a gate acts on
 *                       relaxes for the gate's duration (Qiskit thermal_relaxation_error with
 *                       excited-state population 0), after the depolarizing error;
 *   readout:            per qubit [P(1|0), P(0|1)], the local simulator's readout model.
 *
 * Per-gate values (depolarizing p, durations) share one shape: `default` for every gate, a
 * gate name for that gate, and `perQubit` / `perPair` for a gate on given qubits ("0", or
 * "0,1" in operand order: control first). The most specific entry wins; absent means 0.
 *
 *   {"depolarizing": {"default": 0.001, "cx": 0.01, "perPair": {"cx": {"0,1": 0.02}}},
 *    "thermalRelaxation": {"t1Ns": [50000, 60000], "t2Ns": [70000, 40000],
 *                          "gateDurationsNs": {"default": 35, "cx": 300}},
 *    "readout": [[0.02, 0.03], [0.01, 0.04]]}
 *
 * Per-qubit lists may be longer than a circuit (a device's calibration); a circuit using a
 * qubit a list does not cover is refused when the noise is resolved for it (noise-plan.ts).
 */
import { z } from "zod";
import { GATE_NAMES, GATES, type GateName, isGateName } from "../../src/circuits/gates.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { describeValue, valueAt } from "../../src/errors/describe.js";

const IN_UNIT_INTERVAL = "must be a probability in [0, 1]";
const probability = z.number().min(0, IN_UNIT_INTERVAL).max(1, IN_UNIT_INTERVAL);
const durationNs = z.number().min(0, "must be ≥ 0 ns").max(Number.MAX_VALUE, "must be finite");
const timeNs = z.number().positive("must be > 0 ns").max(Number.MAX_VALUE, "must be finite");

const QUBIT_KEY = /^(0|[1-9]\d*)$/;
const PAIR_KEY = /^(0|[1-9]\d*),(0|[1-9]\d*)$/;

const gateList = (qubitCount: 1 | 2): string =>
  GATE_NAMES.filter((name) => GATES[name].qubitCount === qubitCount).join(", ");

/** Values for gates on given qubits: {gate: {key: value}}, keys checked by `keyPattern`. */
function perOperandsSchema(value: z.ZodNumber, qubitCount: 1 | 2) {
  const [keyPattern, keyShape] = qubitCount === 1 ? [QUBIT_KEY, '"3"'] : [PAIR_KEY, '"0,1"'];
  return z.record(z.string(), z.record(z.string(), value)).superRefine((byGate, context) => {
    for (const [gate, byOperands] of Object.entries(byGate)) {
      if (!isGateName(gate) || GATES[gate].qubitCount !== qubitCount) {
        context.addIssue({
          code: "custom",
          path: [gate],
          message: `not a ${qubitCount}-qubit gate (${qubitCount}-qubit gates: ${gateList(qubitCount)})`,
        });
        continue;
      }
      for (const key of Object.keys(byOperands)) {
        const match = keyPattern.exec(key);
        if (match === null || (qubitCount === 2 && match[1] === match[2])) {
          context.addIssue({
            code: "custom",
            path: [gate, key],
            message: `a key must name ${qubitCount === 1 ? "a qubit" : "two different qubits"} like ${keyShape}`,
          });
        }
      }
    }
  });
}

/** The per-gate shape of depolarizing probabilities and gate durations (module comment). */
function perGateSchema(value: z.ZodNumber) {
  return z
    .object({
      default: value.optional(),
      perQubit: perOperandsSchema(value, 1).optional(),
      perPair: perOperandsSchema(value, 2).optional(),
    })
    .catchall(z.unknown())
    .superRefine((spec, context) => {
      for (const [key, entry] of Object.entries(spec)) {
        if (key === "default" || key === "perQubit" || key === "perPair") continue;
        if (!isGateName(key)) {
          context.addIssue({
            code: "custom",
            path: [key],
            message: `unknown gate "${key}" (gates: ${GATE_NAMES.join(", ")}; or default, perQubit, perPair)`,
          });
          continue;
        }
        const parsed = value.safeParse(entry);
        if (!parsed.success) {
          context.addIssue({
            code: "custom",
            path: [key],
            message: parsed.error.issues[0]!.message,
          });
        }
      }
    })
    .transform(
      ({ default: fallback, perQubit, perPair, ...byGate }): PerGateValues => ({
        default: fallback ?? 0,
        byGate: byGate as Partial<Record<GateName, number>>,
        perQubit: perQubit ?? {},
        perPair: perPair ?? {},
      }),
    );
}

/** A per-gate value table after parsing: the most specific entry wins. */
export interface PerGateValues {
  readonly default: number;
  readonly byGate: Readonly<Partial<Record<GateName, number>>>;
  /** gate → "q" → value (one-qubit gates). */
  readonly perQubit: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** gate → "a,b" → value (two-qubit gates, operands in order). */
  readonly perPair: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

const thermalRelaxationSchema = z
  .strictObject({
    t1Ns: z.array(timeNs).min(1),
    t2Ns: z.array(timeNs).min(1),
    gateDurationsNs: perGateSchema(durationNs),
  })
  .superRefine(({ t1Ns, t2Ns }, context) => {
    if (t1Ns.length !== t2Ns.length) {
      context.addIssue({
        code: "custom",
        path: ["t2Ns"],
        message: `has ${t2Ns.length} entries but t1Ns has ${t1Ns.length} (one per qubit in both)`,
      });
      return;
    }
    t2Ns.forEach((t2, qubit) => {
      const t1 = t1Ns[qubit]!;
      if (t2 > 2 * t1) {
        context.addIssue({
          code: "custom",
          path: ["t2Ns", qubit],
          message: `T2 = ${t2} ns exceeds 2·T1 = ${2 * t1} ns of qubit ${qubit} (physical relaxation needs T2 ≤ 2·T1)`,
        });
      }
    });
  });

export const noiseModelSchema = z.strictObject({
  depolarizing: perGateSchema(probability).optional(),
  thermalRelaxation: thermalRelaxationSchema.optional(),
  /** Per qubit [P(1|0), P(0|1)]. */
  readout: z.array(z.tuple([probability, probability])).optional(),
});

export type NoiseModel = z.output<typeof noiseModelSchema>;

/** The model with no noise at all: the density-matrix simulator then equals the statevector's. */
export const NOISELESS: NoiseModel = Object.freeze({});

/**
 * Validates a parsed noise-model document; throws QPLANE_ERR_SIM_NOISE naming the first bad
 * field as `<label>.<path>` and the value found there.
 */
export function parseNoiseModel(document: unknown, label = "noise"): NoiseModel {
  const parsed = noiseModelSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  throwFirstNoiseIssue(document, parsed.error, label);
}

/**
 * Throws QPLANE_ERR_SIM_NOISE for the first issue zod found in `document`, naming the field as
 * `<label>.<path>` and the value found there (shared with calibration snapshots, whose
 * documents fail the same way).
 */
export function throwFirstNoiseIssue(document: unknown, error: z.ZodError, label: string): never {
  const issue = error.issues[0]!;
  const at = [label, ...issue.path.map(String)].join(".");
  const message =
    issue.code === "unrecognized_keys"
      ? `${at}.${issue.keys[0]}: unknown field`
      : `${at}: ${issue.message} (got ${describeValue(valueAt(document, issue.path))})`;
  throw new QplaneError("QPLANE_ERR_SIM_NOISE", message);
}

/** The value for gate `name` on `qubits` (operand order): the most specific entry, else 0. */
export function perGateValue(
  values: PerGateValues,
  name: GateName,
  qubits: readonly number[],
): number {
  const byOperands = qubits.length === 1 ? values.perQubit[name] : values.perPair[name];
  return byOperands?.[qubits.join(",")] ?? values.byGate[name] ?? values.default;
}
