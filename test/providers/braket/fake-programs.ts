/**
 * The programs of the fake Braket (fake-server.ts): Braket's gate names and qubit rules
 * checked on a program's source, the program run with qplane's own parser and simulator
 * (seeded), and a completed task's `results.json` written in Braket's result schema —
 * program-set results inline or in Braket's S3 path layout (see `ProgramSetResultLayout`).
 */
import { exactProbabilities, sampledCounts } from "../../../providers/local/simulator.js";
import { createCircuit } from "../../../src/circuits/ir.js";
import { parseQasm3Program } from "../../../src/circuits/qasm3/index.js";
import type { FakeDevice, FakeTask, ProgramSetResultLayout } from "./fake-server.js";

/** Braket name → a name qplane's parser knows. */
const REVERSE_GATES: Record<string, string> = {
  cnot: "cx",
  si: "sdg",
  ti: "tdg",
  phaseshift: "p",
  i: "id",
  v: "sx",
  zz: "rzz",
  U: "u3",
};
const NOT_GATES = new Set(["OPENQASM", "input", "qubit", "bit", "c", "measure", "include"]);

export class ValidationError extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly failures?: { programIndex: number; inputsIndex: number; errors: string[] }[],
  ) {
    super(message);
  }
}

export function gatesOf(source: string): string[] {
  const names: string[] = [];
  for (const line of source.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[( $q]/.exec(line);
    if (match && !NOT_GATES.has(match[1]!) && !line.includes("=")) names.push(match[1]!);
  }
  return names;
}

function toQplaneSource(source: string): string {
  return source.replace(/^(\s*)([A-Za-z_][A-Za-z0-9_]*)(?=[\s(])/gm, (whole, space, name) =>
    REVERSE_GATES[name] ? `${space}${REVERSE_GATES[name]}` : whole,
  );
}

/** Braket's qubit rules for one program source (see module comment). */
export function checkQubits(
  device: FakeDevice,
  source: string,
  fail: (message: string) => never,
): void {
  const register = /^qubit\[(\d+)\]/m.exec(source);
  if (register && Number(register[1]) > device.qubitCount)
    fail(
      `Used ${register[1]} qubits, which is more than the device qubit count of ${device.qubitCount}`,
    );
  const physical = [...source.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  if (physical.length === 0) return;
  if (!device.supportPhysicalQubits) fail(`Device ${device.name} does not support physical qubits`);
  const graph = device.connectivity;
  if (graph) {
    const coupled = (a: number, b: number) =>
      (graph[String(a)] ?? []).includes(String(b)) || (graph[String(b)] ?? []).includes(String(a));
    const nodes = new Set(
      Object.entries(graph)
        .flatMap(([k, v]) => [k, ...v])
        .map(Number),
    );
    for (const q of physical)
      if (!nodes.has(q)) fail(`Qubit $${q} does not exist on ${device.name}`);
    for (const line of source.split("\n")) {
      const pair = /^\s*[A-Za-z_]\w*(?:\([^)]*\))?\s+\$(\d+),\s*\$(\d+);/.exec(line);
      if (pair && !coupled(Number(pair[1]), Number(pair[2])))
        fail(`Qubits $${pair[1]} and $${pair[2]} are not connected on ${device.name}`);
    }
  } else if (physical.some((q) => q >= device.qubitCount)) {
    fail(`Physical qubit out of range on ${device.name}`);
  }
  if (device.requiresContiguousQubitIndices) {
    const used = new Set(physical);
    for (let q = 0; q < used.size; q++)
      if (!used.has(q)) fail(`Device ${device.name} requires contiguous qubit indices`);
  }
}

/** The targets of a `#pragma braket result probability` line (all qubits when none). */
function probabilityTargets(source: string, numQubits: number): number[] {
  const line = /^#pragma braket result probability(.*)$/m.exec(source);
  if (!line) throw new Error("no probability result type");
  const targets = [...line[1]!.matchAll(/\$(\d+)|q\[(\d+)\]/g)].map((m) => Number(m[1] ?? m[2]));
  return targets.length > 0 ? targets : Array.from({ length: numQubits }, (_, q) => q);
}

/** Runs a program (one row per input index) and returns per-executable measurements. */
function runProgram(program: Record<string, unknown>, shotsEach: number, seedBase: number) {
  const parsed = parseQasm3Program(toQplaneSource(program.source as string));
  const inputs = (program.inputs ?? {}) as Record<string, unknown>;
  const lists = parsed.parameterNames.map((name) => {
    const value = inputs[name];
    if (value === undefined) throw new Error(`input ${name} missing`);
    return Array.isArray(value) ? (value as number[]) : [value as number];
  });
  const rows = lists.length === 0 ? 1 : lists[0]!.length;
  const matrix = Array.from({ length: rows }, (_, r) => lists.map((list) => list[r]!));
  const { circuit } = parsed;
  const counts = sampledCounts(circuit, lists.length === 0 ? [] : matrix, {
    shots: shotsEach,
    seed: seedBase + rows,
  });
  const measuredQubits = circuit.measurements.map((m) => m.qubit);
  return Array.from({ length: rows }, (_, r) => {
    const measurements: number[][] = [];
    for (let outcome = 0; outcome < counts.outcomeCount; outcome++) {
      const n = counts.values[r * counts.outcomeCount + outcome]!;
      const bits = circuit.measurements.map((m) => (outcome >> m.clbit) & 1);
      for (let s = 0; s < n; s++) measurements.push(bits);
    }
    return { inputsIndex: r, measurements, measuredQubits };
  });
}

/** shots = 0: the probability result type, computed exactly (big-endian over targets). */
function exactResult(task: FakeTask) {
  const source = task.action.source as string;
  const parsed = parseQasm3Program(toQplaneSource(source.replace(/^#pragma.*$/gm, "")));
  const targets = probabilityTargets(source, parsed.circuit.numQubits);
  const inputs = (task.action.inputs ?? {}) as Record<string, number>;
  const row = parsed.parameterNames.map((name) => {
    if (inputs[name] === undefined) throw new Error(`input ${name} missing`);
    return inputs[name]!;
  });
  const circuit = createCircuit({
    ...parsed.circuit,
    numClbits: targets.length,
    measurements: targets.map((qubit, clbit) => ({ qubit, clbit })),
  });
  const { values } = exactProbabilities(circuit, [row]);
  const m = targets.length;
  const value = Array.from({ length: 2 ** m }, () => 0);
  for (let outcome = 0; outcome < values.length; outcome++) {
    let index = 0;
    for (let j = 0; j < m; j++) if ((outcome >> j) & 1) index |= 1 << (m - 1 - j);
    value[index] = values[outcome]!;
  }
  return {
    braketSchemaHeader: { name: "braket.task_result.gate_model_task_result", version: "1" },
    resultTypes: [{ type: { type: "probability", targets }, value }],
    measuredQubits: targets,
    taskMetadata: { id: task.arn, shots: 0, deviceId: task.deviceArn },
  };
}

/** Where and how a completed task's results are written. */
export interface ResultWriting {
  readonly layout: ProgramSetResultLayout;
  /** Seed of the task's sampling (each program adds its row count). */
  readonly seedBase: number;
  /** Stores an S3 object at `bucket/key`. */
  put(key: string, text: string): void;
}

/** Runs a completed task's program(s) and writes `results.json` (and, for paths, its files). */
export function writeTaskResults(task: FakeTask, writing: ResultWriting): void {
  const key = (name: string) => `${task.outputS3Bucket}/${task.outputS3Directory}/${name}`;
  const header = (task.action.braketSchemaHeader as { name: string }).name;
  if (header === "braket.ir.openqasm.program" && task.shots === 0) {
    writing.put(key("results.json"), JSON.stringify(exactResult(task)));
    return;
  }
  if (header === "braket.ir.openqasm.program") {
    const [result] = runProgram(task.action, task.shots, writing.seedBase);
    writing.put(
      key("results.json"),
      JSON.stringify({
        braketSchemaHeader: { name: "braket.task_result.gate_model_task_result", version: "1" },
        measurements: result!.measurements,
        measuredQubits: result!.measuredQubits,
        taskMetadata: { id: task.arn, shots: task.shots, deviceId: task.deviceArn },
      }),
    );
    return;
  }
  const programs = task.action.programs as Record<string, unknown>[];
  const perProgram = programs.map((p) => {
    const values = Object.values((p.inputs ?? {}) as Record<string, unknown[]>);
    return values.length === 0 ? 1 : values[0]!.length;
  });
  const executables = perProgram.reduce((sum, n) => sum + n, 0);
  const shotsEach = task.shots / executables;
  const metadata = {
    braketSchemaHeader: { name: "braket.task_result.program_set_task_metadata", version: "1" },
    id: task.arn,
    deviceId: task.deviceArn,
    requestedShots: task.shots,
    successfulShots: task.shots,
    programMetadata: perProgram.map((n) => ({
      executables: Array.from({ length: n }, () => ({})),
    })),
    status: "COMPLETED",
    totalFailedExecutables: 0,
  };
  const paths = writing.layout === "paths";
  const programResults = programs.map((program, p) => {
    const executableResults = runProgram(program, shotsEach, writing.seedBase).map((result, k) => {
      const body = {
        braketSchemaHeader: {
          name: "braket.task_result.program_set_executable_result",
          version: "1",
        },
        ...result,
      };
      if (!paths) return body;
      const path = `executables/${k}.json`;
      writing.put(key(`programs/${p}/${path}`), JSON.stringify(body));
      return path;
    });
    const programResult = {
      braketSchemaHeader: { name: "braket.task_result.program_result", version: "1" },
      executableResults,
      source: paths ? "program.json" : program,
      additionalMetadata: {},
    };
    if (!paths) return programResult;
    writing.put(key(`programs/${p}/program.json`), JSON.stringify(program));
    writing.put(key(`programs/${p}/results.json`), JSON.stringify(programResult));
    return `programs/${p}/results.json`;
  });
  if (paths) writing.put(key("metadata.json"), JSON.stringify(metadata));
  writing.put(
    key("results.json"),
    JSON.stringify({
      braketSchemaHeader: { name: "braket.task_result.program_set_task_result", version: "1" },
      programResults,
      // blank when everything is inline (the schema's s3Location)
      ...(paths ? { s3Location: [task.outputS3Bucket, task.outputS3Directory] } : {}),
      taskMetadata: paths ? "metadata.json" : metadata,
    }),
  );
}
