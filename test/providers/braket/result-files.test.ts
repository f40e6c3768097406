/**
 * Program-set result paths resolved as the AWS Python SDK resolves them. The layout is the
 * SDK's own unit-test fixture (`result_s3` / `program_result_s3` in its
 * test_program_set_quantum_task_result.py): it expects the reads
 * tasks/bar/metadata.json, tasks/bar/programs/0/results.json,
 * tasks/bar/programs/0/program.json, tasks/bar/programs/0/executables/0.json in bucket
 * amazon-braket-foo; qplane needs neither metadata nor program, so it reads the other two.
 */
import { describe, expect, it } from "vitest";
import {
  addProgramSetCounts,
  type ProgramSetDecoding,
  programResultFolder,
  programSetExecutables,
  taskResultFolder,
} from "../../../providers/braket/result-files.js";
import { CircuitBuilder } from "../../../src/circuits/ir.js";
import { rejection } from "./harness.js";

const EXECUTABLE = {
  braketSchemaHeader: { name: "braket.task_result.program_set_executable_result", version: "1" },
  inputsIndex: 0,
  measurements: [
    [0, 0],
    [1, 1],
    [1, 1],
  ],
  measuredQubits: [0, 1],
};

const RESULT_S3 = {
  braketSchemaHeader: { name: "braket.task_result.program_set_task_result", version: "1" },
  programResults: ["programs/0/results.json"],
  s3Location: ["amazon-braket-foo", "tasks/bar"],
  taskMetadata: "metadata.json",
};

const PROGRAM_RESULT_S3 = {
  braketSchemaHeader: { name: "braket.task_result.program_result", version: "1" },
  executableResults: ["executables/0.json"],
  source: "program.json",
  additionalMetadata: {},
};

/** The task's own output folder: deliberately not where s3Location points. */
const TASK_FOLDER = { bucket: "qplane-bucket", prefix: "runs/x/task-1" };

/** A reader over `objects` ("bucket/key" → JSON) that records every read. */
function s3(objects: Record<string, unknown>) {
  const reads: string[] = [];
  const read = async (bucket: string, key: string) => {
    reads.push(`${bucket}/${key}`);
    const body = objects[`${bucket}/${key}`];
    if (body === undefined) throw new Error(`NoSuchKey ${bucket}/${key}`);
    return body;
  };
  return { reads, read };
}

async function collect(generator: AsyncGenerator<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of generator) out.push(item);
  return out;
}

const bell = new CircuitBuilder(2).measureAll().build();

function decoding(rowCount: number, parameterCount: number): ProgramSetDecoding {
  return {
    circuit: bell,
    parameterCount,
    shots: 3,
    rowStart: 0,
    rowCount,
    outcomeCount: 4,
    taskFolder: TASK_FOLDER,
    task: { status: "COMPLETED", quantumTaskArn: "arn:task/1" },
  };
}

describe("program-set result paths (AWS SDK layout)", () => {
  it("reads the SDK fixture's program and executable from the keys the SDK reads", async () => {
    const { reads, read } = s3({
      "amazon-braket-foo/tasks/bar/programs/0/results.json": PROGRAM_RESULT_S3,
      "amazon-braket-foo/tasks/bar/programs/0/executables/0.json": EXECUTABLE,
    });
    const entries = await collect(programSetExecutables(RESULT_S3, TASK_FOLDER, read, 1, "t"));
    expect(reads).toEqual([
      "amazon-braket-foo/tasks/bar/programs/0/results.json",
      "amazon-braket-foo/tasks/bar/programs/0/executables/0.json",
    ]);
    expect(entries).toEqual([{ programIndex: 0, executableIndex: 0, result: EXECUTABLE }]);

    const values = new Uint32Array(4);
    await addProgramSetCounts(RESULT_S3, decoding(1, 1), read, values);
    expect(Array.from(values)).toEqual([1, 0, 0, 2]);
  });

  it("takes a program file's folder as the base of its paths only when it is named results.json", () => {
    expect(programResultFolder("tasks/bar/programs/0/results.json")).toBe("tasks/bar/programs/0");
    expect(programResultFolder("tasks/bar/results.json")).toBe("tasks/bar");
    // Any other name is kept whole, as the SDK's removesuffix keeps it.
    expect(programResultFolder("tasks/bar/programs/0/program-results.json")).toBe(
      "tasks/bar/programs/0/program-results.json",
    );
    expect(programResultFolder("tasks/bar/programs/0/myresults.json")).toBe(
      "tasks/bar/programs/0/myresults.json",
    );
  });

  it("bases paths on s3Location, else (blank or absent) on the task's output folder", () => {
    expect(taskResultFolder(RESULT_S3, TASK_FOLDER)).toEqual({
      bucket: "amazon-braket-foo",
      prefix: "tasks/bar",
    });
    expect(taskResultFolder({ programResults: [] }, TASK_FOLDER)).toBe(TASK_FOLDER);
    expect(taskResultFolder({ s3Location: ["", "tasks/bar"] }, TASK_FOLDER)).toBe(TASK_FOLDER);
  });

  it("resolves paths of a result without s3Location against the task's folder", async () => {
    const { reads, read } = s3({
      "qplane-bucket/runs/x/task-1/programs/0/results.json": PROGRAM_RESULT_S3,
      "qplane-bucket/runs/x/task-1/programs/0/executables/0.json": EXECUTABLE,
    });
    const { s3Location: _, ...withoutLocation } = RESULT_S3;
    const values = new Uint32Array(4);
    await addProgramSetCounts(withoutLocation, decoding(1, 1), read, values);
    expect(reads).toEqual([
      "qplane-bucket/runs/x/task-1/programs/0/results.json",
      "qplane-bucket/runs/x/task-1/programs/0/executables/0.json",
    ]);
    expect(Array.from(values)).toEqual([1, 0, 0, 2]);
  });

  it("decodes inline results with no S3 read, one program per row when there are no inputs", async () => {
    const { reads, read } = s3({});
    const inline = {
      programResults: [0, 1].map((p) => ({
        executableResults: [{ ...EXECUTABLE, measurements: [[p, p]] }],
        source: { source: "OPENQASM 3;" },
      })),
    };
    const values = new Uint32Array(8);
    await addProgramSetCounts(inline, decoding(2, 0), read, values);
    expect(reads).toEqual([]);
    expect(Array.from(values)).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
  });

  it("refuses executable paths inside an inline program result (the SDK has no base for them)", async () => {
    const { reads, read } = s3({});
    const mixed = {
      programResults: [{ executableResults: ["program_0/executable_0.json"] }],
      s3Location: ["amazon-braket-foo", "tasks/bar"],
    };
    const error = await rejection(
      addProgramSetCounts(mixed, decoding(1, 1), read, new Uint32Array(4)),
    );
    expect(error.code).toBe("QPLANE_ERR_PROVIDER_JOB_FAILED");
    expect(error.message).toBe(
      'Braket task arn:task/1: program 0 is inline but lists executable result 0 as the path "program_0/executable_0.json"; paths are relative to a program results file (programResults as paths)',
    );
    expect(reads).toEqual([]);
  });

  it("never reads more executables than the task ran", async () => {
    const { reads, read } = s3({
      "amazon-braket-foo/tasks/bar/programs/0/results.json": {
        executableResults: ["executables/0.json", "executables/1.json", "executables/2.json"],
      },
    });
    const error = await rejection(
      addProgramSetCounts(RESULT_S3, decoding(2, 1), read, new Uint32Array(8)),
    );
    expect(error.message).toBe(
      "Braket task arn:task/1 lists more executable results (3 by program 0) than the 2 it ran",
    );
    expect(reads).toEqual(["amazon-braket-foo/tasks/bar/programs/0/results.json"]);

    const programs = { programResults: ["a/results.json", "b/results.json", "c/results.json"] };
    const tooMany = await rejection(
      addProgramSetCounts(programs, decoding(2, 0), s3({}).read, new Uint32Array(8)),
    );
    expect(tooMany.message).toBe(
      "Braket task arn:task/1 lists 3 program results, more than the 2 executables it ran",
    );
  });

  it("fails on a failed executable and on a row without a result", async () => {
    const { read } = s3({
      "amazon-braket-foo/tasks/bar/programs/0/results.json": PROGRAM_RESULT_S3,
      "amazon-braket-foo/tasks/bar/programs/0/executables/0.json": {
        inputsIndex: 0,
        failureMetadata: { failureReason: "QPU was sick" },
      },
    });
    const failed = await rejection(
      addProgramSetCounts(RESULT_S3, decoding(1, 1), read, new Uint32Array(4)),
    );
    expect(failed.message).toBe("Braket task arn:task/1 executable 0 failed: QPU was sick");

    const missing = await rejection(
      addProgramSetCounts({ programResults: [] }, decoding(1, 1), read, new Uint32Array(4)),
    );
    expect(missing.message).toBe(
      "Braket task arn:task/1 (COMPLETED) has no result for parameter row 0",
    );
  });
});
