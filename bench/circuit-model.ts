/**
 * Issue 16's target: "a 4-qubit user circuit on iris reaches the same accuracy as the
 * equivalent built-in model". The user circuit is the Qiskit-style fixture
 * (test/fixtures/circuits/qiskit-vqc.qasm: ry(x_j) encoding, ry/rz weights, CNOT chain, two
 * re-uploading layers, measured into c[0], c[1]); the equivalent built-in model is
 * `model: {qubits: 4, layers: 2, encoding: fixed}`. Both train on iris with the same spec
 * otherwise (defaults: 30 epochs, adjoint, Adam), paired by training.seed. Prints per-seed
 * test accuracies, mean ± sd (n seeds) of each and the largest paired difference; for
 * context also the built-in model's defaults (4 qubits, 3 layers, linear encoding).
 *
 *   npm run bench:circuit-model            (10 seeds)
 *   npm run bench:circuit-model -- 5       (seeds 1..5)
 */
import { readFileSync } from "node:fs";
import { localBackendResolver } from "../src/backends/registry.js";
import { meanStd } from "../src/experiments/aggregate.js";
import { runTraining } from "../src/training/run.js";

const FIXTURE = new URL("../../test/fixtures/circuits/qiskit-vqc.qasm", import.meta.url);

async function testAccuracy(model: Record<string, unknown>, seed: number): Promise<number> {
  const { result } = await runTraining(
    { dataset: { name: "iris" }, model, training: { seed } },
    { resolveBackend: localBackendResolver },
  );
  return result.summary.testAccuracy ?? Number.NaN;
}

const format = (stat: ReturnType<typeof meanStd>) =>
  `${stat.mean?.toFixed(4)} ± ${stat.std?.toFixed(4)} (n = ${stat.n})`;

async function main(): Promise<void> {
  const seeds = Number(process.argv[2] ?? 10);
  const qasm = readFileSync(FIXTURE, "utf8");
  const program: number[] = [];
  const builtIn: number[] = [];
  const defaults: number[] = [];
  console.log("seed  user circuit  built-in (4 qubits, 2 layers, fixed)  built-in defaults");
  for (let seed = 1; seed <= seeds; seed++) {
    program.push(await testAccuracy({ kind: "circuit", qasm }, seed));
    builtIn.push(await testAccuracy({ qubits: 4, layers: 2, encoding: "fixed" }, seed));
    defaults.push(await testAccuracy({ qubits: 4 }, seed));
    console.log(
      `${String(seed).padStart(4)}  ${program.at(-1)!.toFixed(4)}        ${builtIn.at(-1)!.toFixed(4)}                                ${defaults.at(-1)!.toFixed(4)}`,
    );
  }
  const largestDifference = Math.max(...program.map((value, i) => Math.abs(value - builtIn[i]!)));
  console.log(`user circuit: test accuracy ${format(meanStd(program))}`);
  console.log(`built-in:     test accuracy ${format(meanStd(builtIn))}`);
  console.log(`built-in defaults (context): test accuracy ${format(meanStd(defaults))}`);
  console.log(`largest paired difference, user circuit vs built-in: ${largestDifference}`);
}

await main();
