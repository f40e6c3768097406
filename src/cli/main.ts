/**
 * The `qplane` command line. Every failure prints one line `qplane: error: …` naming what
 * and where (file, line, column, option) and exits non-zero, without a stack trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { QplaneError } from "../errors/catalogue.js";
import { runDemo } from "./demo.js";
import { type OutputFormat, runQasmFiles } from "./run-qasm.js";

function integerOption(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${text}"`);
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
      "Simulate OpenQASM 3 files on the local statevector simulator; print one JSON object per file, one per line, in the order given.",
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
        },
      ) => {
        const lines = runQasmFiles(files, {
          shots: options.shots,
          seed: options.seed,
          format: options.format,
          params: options.param,
          maxQubits: options.maxQubits,
        });
        for (const line of lines) write(`${line}\n`);
      },
    );

  program
    .command("demo")
    .description(
      "Run the engine end to end on a real model: forward pass, shots, and gradients checked two ways.",
    )
    .option("--qubits <n>", "qubits of the demo model", integerOption("--qubits", 1), 8)
    .option("--seed <s>", "seed", integerOption("--seed", 0), 1)
    .action(async (options: { qubits: number; seed: number }) => {
      await runDemo(options, write);
    });

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
