/**
 * The `qplane` command line. Every failure prints one line `qplane: error: …` naming what
 * and where (file, line, column, option) and exits non-zero, without a stack trace.
 */
import { availableParallelism } from "node:os";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { QplaneError } from "../errors/catalogue.js";
import { MAX_POOL_SIZE } from "../experiments/run-pool.js";
import { calibrationCommand } from "./calibration.js";
import { registerCircuitCommand } from "./circuit.js";
import { runEngineCheck } from "./engine-check.js";
import { estimateCommand } from "./estimate.js";
import { experimentCommand } from "./experiment.js";
import { infoPlaneFromCountsFile } from "./infoplane-command.js";
import { TRAIN_FLAGS, type TrainFlags, trainCommand } from "./train.js";

/** The demo run: moons, 4 qubits, learning-rate feedback towards I* = H(Y). */
const DEMO_FLAGS: TrainFlags = { dataset: "moons", epochs: "30", feedback: "lr", alpha: "1" };

import { type OutputFormat, runQasmFiles } from "./run-qasm.js";

function integerOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${text}"`);
    }
    if (value > max) {
      throw new InvalidArgumentError(`${name} must be an integer ≤ ${max}, got "${text}"`);
    }
    return value;
  };
}

function collectParam(text: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(text);
  const value = match ? Number(match[2]) : Number.NaN;
  if (!match || !Number.isFinite(value)) {
    throw new InvalidArgumentError(
      `--param must be NAME=VALUE with a finite number, got "${text}"`,
    );
  }
  return { ...previous, [match[1]!]: value };
}

function buildProgram(write: (text: string) => void): Command {
  const program = new Command("qplane")
    .description("Train variational quantum circuits and watch them on the information plane.")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: write,
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, writeErr) => writeErr(`qplane: ${text}`),
    });

  program
    .command("run-qasm")
    .description(
      "Simulate OpenQASM 3 files on the local statevector simulator (with --noise, the density-matrix simulator); print one JSON object per file, one per line, in the order given.",
    )
    .argument("<files...>", "OpenQASM 3 (or 2) files")
    .option(
      "--shots <n>",
      "sample N shots per file (default: exact probabilities)",
      integerOption("--shots", 1),
    )
    .option("--seed <s>", "seed for shot sampling", integerOption("--seed", 0), 1)
    .addOption(
      new Option(
        "--format <format>",
        "output format (default: counts with --shots, probs without)",
      ).choices(["counts", "probs", "array"]),
    )
    .option("--param <name=value>", "value of an `input` parameter (repeatable)", collectParam, {})
    .option("--max-qubits <n>", "largest circuit accepted", integerOption("--max-qubits", 1))
    .option(
      "--noise <model>",
      "noise-model file (JSON or YAML: depolarizing, thermalRelaxation, readout); exact density-matrix simulation, at most 12 qubits",
    )
    .addHelpText(
      "after",
      `
Output:
  counts  {"counts": {"011": 12, ...}}          non-zero outcomes, needs --shots
  probs   {"probabilities": {"011": 0.25, ...}}  exact, or counts/shots with --shots
  array   {"probabilities": [...]} or {"counts": [...]}, indexed by the outcome
          integer t = Σ c[i]·2^i over the classical register

Bitstring keys put c[0] rightmost (IBM's order): "10" means c[1]=1, c[0]=0.
A program without measurements measures every qubit q[i] into c[i].`,
    )
    .action(
      (
        files: string[],
        options: {
          shots?: number;
          seed: number;
          format?: OutputFormat;
          param: Record<string, number>;
          maxQubits?: number;
          noise?: string;
        },
      ) => {
        const lines = runQasmFiles(files, {
          shots: options.shots,
          seed: options.seed,
          format: options.format,
          params: options.param,
          maxQubits: options.maxQubits,
          noise: options.noise,
        });
        for (const line of lines) write(`${line}\n`);
      },
    );

  const train = program
    .command("train")
    .description(
      "Train a model in-process (no services) and write a run folder with metrics and information-plane plots.",
    )
    .option("--spec <file>", "job spec, JSON or YAML (flags below override its fields)")
    .option("--runs-dir <dir>", "where run folders go", "runs")
    .option("--json", "print one final JSON line {runDir, summary, metrics}")
    .option("--quiet", "print nothing but errors");
  for (const [flag, { path }] of Object.entries(TRAIN_FLAGS)) {
    const option = flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    train.option(`--${option} <value>`, `sets ${path}`);
  }
  train.action(
    async (
      options: TrainFlags & { spec?: string; runsDir: string; json?: boolean; quiet?: boolean },
    ) => {
      const { spec, runsDir, json, quiet, ...flags } = options;
      await trainCommand(
        { specPath: spec, flags, runsDir, json: json ?? false, quiet: quiet ?? false },
        write,
      );
    },
  );

  program
    .command("experiment")
    .description(
      "Run an experiment in-process (no services): a base spec and a grid of field values, one run per grid point (`training.seed` values are replicates of an arm), then the aggregate table per arm. The file is the body of POST /v1/experiments: {spec, grid, threshold?, name?, tags?}.",
    )
    .requiredOption("--spec <file>", "experiment file, JSON or YAML")
    .option("--runs-dir <dir>", "where the experiment folder goes", "runs")
    .option("--max-jobs <n>", "most runs the grid may have", integerOption("--max-jobs", 1), 1000)
    .option(
      "--parallel <n>",
      "runs trained at once, one per worker thread (1: one after another)",
      integerOption("--parallel", 1, MAX_POOL_SIZE),
      availableParallelism(),
    )
    .option("--json", "print one final JSON line {dir, experiment}")
    .option("--quiet", "print nothing but errors")
    .action(
      async (options: {
        spec: string;
        runsDir: string;
        maxJobs: number;
        parallel: number;
        json?: boolean;
        quiet?: boolean;
      }) => {
        await experimentCommand(
          {
            specPath: options.spec,
            runsDir: options.runsDir,
            maxJobs: options.maxJobs,
            parallel: options.parallel,
            json: options.json ?? false,
            quiet: options.quiet ?? false,
          },
          write,
        );
      },
    );

  const estimate = program
    .command("estimate")
    .description(
      "Print a run's plan without running it: submissions, circuits and shots per epoch, totals, estimated cost (backend price table), and on IBM the transpiled depth, two-qubit gates and forced SWAPs. Backends: local, local-noisy and those of QPLANE_BACKENDS.",
    )
    .option("--spec <file>", "job spec, JSON or YAML (flags below override its fields)")
    .option("--json", "print the plan as one JSON line");
  for (const [flag, { path }] of Object.entries(TRAIN_FLAGS)) {
    const option = flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    estimate.option(`--${option} <value>`, `sets ${path}`);
  }
  estimate.action(async (options: TrainFlags & { spec?: string; json?: boolean }) => {
    const { spec, json, ...flags } = options;
    await estimateCommand({ specPath: spec, flags, json: json ?? false }, write);
  });

  program
    .command("demo")
    .description(
      "The main job: a real training run with compression-gnostic feedback on the local simulator (under a minute).",
    )
    .option("--runs-dir <dir>", "where the run folder goes", "runs")
    .action(async (options: { runsDir: string }) => {
      await trainCommand(
        {
          flags: DEMO_FLAGS,
          runsDir: options.runsDir,
          json: false,
          quiet: false,
          epochLines: true,
        },
        write,
      );
    });

  program
    .command("calibration")
    .description(
      "Fetch the current calibration of an ibm or braket backend of QPLANE_BACKENDS and save it as a snapshot (JSON: noise model, basis, coupling map; docs/noise.md); a backends-file entry {provider: local, noise: {snapshot: FILE}} makes it a twin.",
    )
    .requiredOption("--backend <name>", "an ibm or braket backend of QPLANE_BACKENDS")
    .requiredOption("--out <file>", "where the snapshot is written (JSON)")
    .action(async (options: { backend: string; out: string }) => {
      await calibrationCommand(options, write);
    });

  program
    .command("engine-check")
    .description(
      "Exercise the quantum engine on a real model: exact and shot evaluation, gradients checked two ways, QASM round trip.",
    )
    .option("--qubits <n>", "qubits of the model", integerOption("--qubits", 1), 8)
    .option("--seed <s>", "seed", integerOption("--seed", 0), 1)
    .action(async (options: { qubits: number; seed: number }) => {
      await runEngineCheck(options, write);
    });

  program
    .command("infoplane")
    .description(
      "Information plane of measured data: I(X;T), I(T;Y), H(T) from per-sample counts (e.g. hardware results).",
    )
    .requiredOption(
      "--counts <file>",
      'JSON {"samples": [{"label": 0, "counts": {"0": 12, "3": 88}}, ...]}',
    )
    .addOption(
      new Option("--estimator <name>", "entropy estimator")
        .choices(["plugin", "miller-madow"])
        .default("miller-madow"),
    )
    .action((options: { counts: string; estimator: "plugin" | "miller-madow" }) => {
      write(`${infoPlaneFromCountsFile(options.counts, options.estimator)}\n`);
    });

  registerCircuitCommand(program, write);
  return program;
}

/** Runs the CLI; returns the process exit code. */
export async function runCli(
  argv: readonly string[],
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const program = buildProgram(write);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (help and version exit with code 0)
      return error.exitCode;
    }
    if (error instanceof QplaneError) {
      process.stderr.write(`qplane: error: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`qplane: internal error: ${message}\n`);
    if (process.env.QPLANE_DEBUG && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    return 70;
  }
}
