/**
 * From vendor calibration numbers to noise-model parameters, the way Qiskit Aer's
 * `NoiseModel.from_backend` does it, so a twin built here and one built with Qiskit from the
 * same calibration simulate the same channels.
 *
 * A gate's reported error e is read as its average gate infidelity 1 − F̄. Aer models the gate
 * as a depolarizing channel followed by thermal relaxation for the gate's duration, and picks
 * the depolarizing parameter p so that the whole gate has exactly that infidelity. Average
 * gate fidelity is linear in the channel, and relaxation after full depolarization still has
 * fidelity 1/d (relaxation is trace preserving), so with F_r the relaxation's fidelity and
 * d = 2ᵏ for a k-qubit gate:
 *
 *     F̄ = (1 − p)·F_r + p/d        ⇒        p = d·(e − (1 − F_r)) / (d·F_r − 1)
 *
 * Without relaxation (F_r = 1) this is p = d·e/(d − 1). Clamps, as Aer: e is capped at the
 * largest physical infidelity d/(d + 1); relaxation that alone explains more error than
 * reported gives p = 0; p is capped at 1 (Aer allows up to 4ᵏ/(4ᵏ − 1), a channel beyond full
 * depolarization that this noise model cannot express; reported errors never come near it).
 *
 * Relaxation fidelity (Aer's thermal_relaxation_error with no excited-state population): one
 * qubit with kept population k = e^{−t/T1} and kept coherence c = e^{−t/T2} has Pauli transfer
 * diagonal (1, c, c, k), process fidelity (1 + 2c + k)/4, average fidelity (3 + 2c + k)/6.
 * On a two-qubit gate each qubit relaxes independently: process fidelities multiply.
 */

/** Process fidelity of one qubit's thermal relaxation over `durationNs`. */
function relaxationProcessFidelity(durationNs: number, t1Ns: number, t2Ns: number): number {
  const kept = Math.exp(-durationNs / t1Ns);
  const coherence = Math.exp(-durationNs / t2Ns);
  return (1 + 2 * coherence + kept) / 4;
}

/**
 * Average gate fidelity of thermal relaxation on the gate's qubits (one T1/T2 pair per
 * qubit) over the gate's duration.
 */
export function relaxationFidelity(
  durationNs: number,
  coherence: readonly { readonly t1Ns: number; readonly t2Ns: number }[],
): number {
  const d = 2 ** coherence.length;
  const process = coherence.reduce(
    (product, { t1Ns, t2Ns }) => product * relaxationProcessFidelity(durationNs, t1Ns, t2Ns),
    1,
  );
  return (d * process + 1) / (d + 1);
}

/**
 * The depolarizing probability that, followed by relaxation of fidelity `relaxFidelity`,
 * gives a `qubitCount`-qubit gate the reported `gateError` (module comment).
 */
export function depolarizingFromGateError(
  gateError: number,
  qubitCount: number,
  relaxFidelity = 1,
): number {
  const d = 2 ** qubitCount;
  const error = Math.min(gateError, d / (d + 1));
  const relaxInfidelity = 1 - relaxFidelity;
  if (!(error > relaxInfidelity)) return 0;
  return Math.min(1, (d * (error - relaxInfidelity)) / (d * relaxFidelity - 1));
}

/**
 * Physical relaxation needs T2 ≤ 2·T1; vendor data sometimes breaks it within its error
 * bars. Aer truncates T2 to 2·T1, and so does this (user-written files are refused instead).
 */
export function clampT2(t1Ns: number, t2Ns: number): { t2Ns: number; clamped: boolean } {
  return t2Ns > 2 * t1Ns ? { t2Ns: 2 * t1Ns, clamped: true } : { t2Ns, clamped: false };
}
