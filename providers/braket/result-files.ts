/**
 * Program-set result files → counts: where each file of a program-set task result lives.
 *
 * A task's `<outputS3Directory>/results.json` (`braket.task_result.program_set_task_result`)
 * holds its program results inline, or lists them as S3 paths; a program result in turn
 * holds its executable results inline or lists them as paths. The paths resolve as the AWS
 * Python SDK resolves them (amazon-braket-sdk-python,
 * src/braket/tasks/program_set_quantum_task_result.py: `ProgramSetQuantumTaskResult
 * .from_object` and `_result_to_entry`, then `CompositeEntry._from_object` and
 * `_get_executable_results`; checked against its unit test `test_s3` with the `result_s3`
 * fixture):
 *  - the task result's `s3Location` = [bucket, prefix] is the base of the paths it lists
 *    (blank when everything is inline): a program path p is read from `<prefix>/<p>`;
 *  - the base of that program's own paths (its executables, its `source`) is the folder of
 *    the program's results file: its key less a trailing `/results.json` (kept whole when
 *    the file is named otherwise). So `programs/0/results.json` under `tasks/bar` lists
 *    `executables/0.json`, read from `tasks/bar/programs/0/executables/0.json`, not from
 *    `tasks/bar/executables/0.json`;
 *  - an inline program result is decoded without S3: its executables must be inline too;
 *  - keys are joined with one "/" and nothing else (no normalisation).
 * qplane needs neither the task metadata nor the program source (it submitted both), so it
 * reads only program and executable files, one at a time, and never more executables than
 * the task ran. One deviation: where paths appear without `s3Location` (the SDK then has no
 * bucket and fails), the task's own output location, which `s3Location` names, is the base.
 */
import type { Circuit } from "../../src/circuits/ir.js";
import { QplaneError } from "../../src/errors/catalogue.js";
import { addCounts, type MeasuredResult } from "./results.js";

/** An S3 folder: bucket and key prefix (no trailing "/"). */
export interface S3Folder {
  readonly bucket: string;
  readonly prefix: string;
}

/** Reads and parses one JSON object from S3 (bounded in size by the caller). */
export type ReadS3Json = (bucket: string, key: string) => Promise<unknown>;

/** A program's result file is named this; its folder is the base of its paths. */
const PROGRAM_RESULT_SUFFIX = "/results.json";

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === "object" && value !== null ? (value as Json) : {};
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The base of a task result's paths: its `s3Location`, else the task's output folder. */
export function taskResultFolder(results: Json, task: S3Folder): S3Folder {
  const location = listOf(results.s3Location);
  const bucket = location[0];
  const prefix = location[1];
  return typeof bucket === "string" && bucket !== "" && typeof prefix === "string"
    ? { bucket, prefix }
    : task;
}

/** The folder a program result file's own paths are relative to (see the module comment). */
export function programResultFolder(programKey: string): string {
  return programKey.endsWith(PROGRAM_RESULT_SUFFIX)
    ? programKey.slice(0, -PROGRAM_RESULT_SUFFIX.length)
    : programKey;
}

/** One executable result, with the program it belongs to and its place in that program. */
export interface ExecutableEntry {
  readonly programIndex: number;
  readonly executableIndex: number;
  readonly result: Json;
}

/**
 * Every executable result of a program-set task result, reading path entries from S3 one
 * at a time. `maxExecutables` (what the task ran) bounds the reads: a result listing more
 * is refused before any of them is read.
 */
export async function* programSetExecutables(
  results: Json,
  taskFolder: S3Folder,
  read: ReadS3Json,
  maxExecutables: number,
  where: string,
): AsyncGenerator<ExecutableEntry> {
  const folder = taskResultFolder(results, taskFolder);
  const programs = listOf(results.programResults);
  if (programs.length > maxExecutables) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_JOB_FAILED",
      `${where} lists ${programs.length} program results, more than the ${maxExecutables} executables it ran`,
    );
  }
  let listed = 0;
  for (let p = 0; p < programs.length; p++) {
    const entry = programs[p];
    let program: Json;
    let programFolder: S3Folder | undefined;
    if (typeof entry === "string") {
      const key = `${folder.prefix}/${entry}`;
      program = asObject(await read(folder.bucket, key));
      programFolder = { bucket: folder.bucket, prefix: programResultFolder(key) };
    } else {
      program = asObject(entry);
    }
    const executables = listOf(program.executableResults);
    listed += executables.length;
    if (listed > maxExecutables) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `${where} lists more executable results (${listed} by program ${p}) than the ${maxExecutables} it ran`,
      );
    }
    for (let e = 0; e < executables.length; e++) {
      const executable = executables[e];
      if (typeof executable !== "string") {
        yield { programIndex: p, executableIndex: e, result: asObject(executable) };
        continue;
      }
      if (programFolder === undefined) {
        throw new QplaneError(
          "QPLANE_ERR_PROVIDER_JOB_FAILED",
          `${where}: program ${p} is inline but lists executable result ${e} as the path "${executable}"; paths are relative to a program results file (programResults as paths)`,
        );
      }
      const key = `${programFolder.prefix}/${executable}`;
      yield {
        programIndex: p,
        executableIndex: e,
        result: asObject(await read(programFolder.bucket, key)),
      };
    }
  }
}

/** What decoding one program-set task's counts needs. */
export interface ProgramSetDecoding {
  /** The circuit as submitted (its clbits give the outcome index). */
  readonly circuit: Circuit;
  /** 0: one program per row (no inputs); else one program with one executable per row. */
  readonly parameterCount: number;
  readonly shots: number;
  /** The task's parameter rows: [rowStart, rowStart + rowCount). */
  readonly rowStart: number;
  readonly rowCount: number;
  readonly outcomeCount: number;
  readonly taskFolder: S3Folder;
  readonly task: { status?: string; failureReason?: string; quantumTaskArn?: string };
}

/**
 * Adds a program-set task's counts into `values` (row r at r × outcomeCount); a failed
 * executable or a row without a result fails the task.
 */
export async function addProgramSetCounts(
  results: Json,
  decoding: ProgramSetDecoding,
  read: ReadS3Json,
  values: Uint32Array,
): Promise<void> {
  const { circuit, rowStart, rowCount, outcomeCount, task } = decoding;
  const where = `Braket task ${task.quantumTaskArn}`;
  const seen = new Uint8Array(rowCount);
  const entries = programSetExecutables(results, decoding.taskFolder, read, rowCount, where);
  for await (const { programIndex, executableIndex, result } of entries) {
    const inputsIndex =
      typeof result.inputsIndex === "number" ? result.inputsIndex : executableIndex;
    const k = decoding.parameterCount === 0 ? programIndex : inputsIndex;
    const failure = result.failureMetadata as { failureReason?: string } | undefined;
    if (failure) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `${where} executable ${k} failed: ${failure.failureReason ?? "no reason given"}`,
      );
    }
    if (!Number.isInteger(k) || k < 0 || k >= rowCount) continue;
    addCounts(
      circuit,
      result as MeasuredResult,
      decoding.shots,
      values,
      (rowStart + k) * outcomeCount,
    );
    seen[k] = 1;
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_JOB_FAILED",
      `${where} (${task.status}) has no result for parameter row ${rowStart + missing}${task.failureReason ? `: ${task.failureReason}` : ""}`,
    );
  }
}
