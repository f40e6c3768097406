/**
 * Compression-gnostic feedback benchmark: baseline (mode "off") vs "loss" vs "lr" over
 * several seeds on moons, iris, sine and cars, with every other field at its default.
 * Reports mean ± std of the final test metric and of the epochs needed to reach a stated
 * threshold, and the training throughput (samples/s) of each dataset's runs. Prints a
 * markdown table and saves it under bench/results/feedback.md.
 *
 *   npm run bench:feedback            npm run bench:feedback -- --seeds 10 --json
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { epochsToThreshold, meanStd } from "../src/experiments/aggregate.js";
import { formatStat } from "../src/experiments/view.js";
import { runTraining } from "../src/training/run.js";

interface Benchmark {
  readonly dataset: string;
  /** Final-metric name and the threshold the "epochs to reach" column counts against. */
  readonly metric: "testAccuracy" | "testR2";
  readonly threshold: number;
}

const BENCHMARKS: readonly Benchmark[] = [
  { dataset: "moons", metric: "testAccuracy", threshold: 0.9 },
  { dataset: "iris", metric: "testAccuracy", threshold: 0.9 },
  { dataset: "sine", metric: "testR2", threshold: 0.9 },
  { dataset: "cars", metric: "testR2", threshold: 0.75 },
];
const MODES = ["off", "loss", "lr"] as const;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const seedsIndex = args.indexOf("--seeds");
  const seeds = seedsIndex >= 0 ? Number(args[seedsIndex + 1]) : 5;
  const rows: Record<string, unknown>[] = [];
  const lines = [
    `Compression-gnostic feedback vs baseline: ${seeds} seeds per cell, spec defaults otherwise (VQC, 4 qubits, 3 layers, Adam, lr 0.05, 30 epochs, α = 1, I* = H(Y), exact simulator).`,
    "",
    "| dataset | mode | final test metric | epochs to threshold (reached) | final I(X;T) | final I(T;Y) | train samples/s |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const benchmark of BENCHMARKS) {
    for (const mode of MODES) {
      const finals: number[] = [];
      const reached: number[] = [];
      const ixt: number[] = [];
      const ity: number[] = [];
      let samples = 0;
      let seconds = 0;
      for (let seed = 1; seed <= seeds; seed++) {
        const { result, data, spec } = await runTraining({
          dataset: { name: benchmark.dataset, seed },
          training: { seed },
          feedback: { mode },
        });
        const last = result.records.at(-1)!;
        finals.push(last[benchmark.metric]!);
        ixt.push(last.ixt);
        ity.push(last.ity);
        const epochs = epochsToThreshold(result.records, {
          metric: benchmark.metric,
          value: benchmark.threshold,
        });
        if (epochs !== null) reached.push(epochs);
        samples += data.train.samples * spec.training.epochs;
        seconds += result.summary.elapsedMs / 1000;
      }
      const metricLabel = benchmark.metric === "testAccuracy" ? "accuracy" : "R²";
      const row = {
        dataset: benchmark.dataset,
        mode,
        metric: benchmark.metric,
        threshold: benchmark.threshold,
        final: meanStd(finals),
        epochsToThreshold: meanStd(reached),
        reached: reached.length,
        seeds,
        finalIxt: meanStd(ixt),
        finalIty: meanStd(ity),
        samplesPerSecond: samples / seconds,
      };
      rows.push(row);
      lines.push(
        `| ${benchmark.dataset} | ${mode} | ${metricLabel} ${formatStat(row.final, 3)} | ${formatStat(row.epochsToThreshold, 1)} (${reached.length}/${seeds} reach ${metricLabel} ≥ ${benchmark.threshold}) | ${formatStat(row.finalIxt, 3)} | ${formatStat(row.finalIty, 3)} | ${row.samplesPerSecond.toFixed(0)} |`,
      );
    }
  }
  const table = lines.join("\n");
  console.log(table);
  const here = dirname(fileURLToPath(import.meta.url));
  const resultsDir = resolve(
    here,
    here.includes(join("dist", "bench")) ? "../../bench/results" : "results",
  );
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, "feedback.md"), `${table}\n`);
  if (args.includes("--json")) console.log(JSON.stringify({ rows }));
}

await main();
