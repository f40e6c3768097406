/**
 * A pooled simulator thread (pool.ts): parks in Atomics.wait until the caller bumps REQUEST,
 * runs every task queued on its port (protocol.ts), publishes DONE, spins briefly for the
 * next request (a run's next segment or call usually follows within microseconds) and parks
 * again. It keeps the circuits it was sent compiled, with their states below 14 qubits.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { Circuit } from "../../../src/circuits/ir.js";
import { buffersFor, forgetBuffers } from "../adjoint-sweep.js";
import { runToEnd, WorkMeter } from "../pacing.js";
import { compileProgram, type Program } from "../program.js";
import {
  allocateState,
  buildOutcomeMap,
  type OutcomeMap,
  type Statevector,
} from "../statevector.js";
import { adjointRows, nothingToServe, workerAwaitServed } from "./adjoint-rows.js";
import { applySegmentToBlocks, type BlockPlan, blockPlan } from "./blocks.js";
import {
  CANCEL,
  type CircuitRef,
  DONE,
  EXIT_CODE,
  EXIT_ON_TASK,
  EXITED,
  FAILED,
  REQUEST,
  SPINS_BEFORE_SLEEP,
  type Task,
  type TaskFailure,
} from "./protocol.js";
import { sharedRows } from "./row-counter.js";
import { forwardRows } from "./rows.js";
import { AMPLITUDE_SPLIT_MIN_QUBITS } from "./settings.js";

const { control, port } = workerData as { control: Int32Array; port: MessagePort };

// a caller blocked in Atomics.wait cannot see the `exit` event: tell it here (worker-handle.ts)
process.on("exit", (code) => {
  Atomics.store(control, EXIT_CODE, code);
  Atomics.store(control, EXITED, 1);
  Atomics.notify(control, DONE);
});

interface Compiled {
  readonly program: Program;
  readonly outcomes: OutcomeMap;
  state: Statevector | undefined;
}

const circuits = new Map<number, { circuit: Circuit; compiled: Map<boolean, Compiled> }>();
/** Workers never pause: the calling thread paces the run. */
const meter = new WorkMeter(Number.POSITIVE_INFINITY);
const cancelled = (): boolean => Atomics.load(control, CANCEL) === 1;

function compiledFor(ref: CircuitRef): Compiled {
  for (const id of ref.forget ?? []) circuits.delete(id);
  let entry = circuits.get(ref.id);
  if (entry === undefined) {
    if (ref.circuit === undefined) throw new Error(`circuit ${ref.id} was never sent`);
    entry = { circuit: ref.circuit, compiled: new Map() };
    circuits.set(ref.id, entry);
  }
  let compiled = entry.compiled.get(ref.fuse);
  if (compiled === undefined) {
    const program = compileProgram(entry.circuit, { fuse: ref.fuse });
    compiled = {
      program,
      outcomes: buildOutcomeMap(program),
      state: undefined,
    };
    entry.compiled.set(ref.fuse, compiled);
  }
  return compiled;
}

function stateOf(compiled: Compiled): Statevector {
  compiled.state ??= allocateState(compiled.program.dim);
  return compiled.state;
}

/** Frees a large state and its adjoint buffers after a task (kept below 14 qubits). */
function releaseLarge(compiled: Compiled): void {
  if (compiled.program.numQubits < AMPLITUDE_SPLIT_MIN_QUBITS) return;
  compiled.state = undefined;
  forgetBuffers(compiled.program);
}

/** The row of an amplitude-split pass being computed (set by bind-blocks). */
let blocks:
  | {
      program: Program;
      plan: BlockPlan;
      re: Float64Array;
      im: Float64Array;
      matrices: Float64Array;
      from: number;
      to: number;
    }
  | undefined;

function run(task: Task): void {
  switch (task.kind) {
    case "forward-rows": {
      const compiled = compiledFor(task.circuit);
      const { program, outcomes } = compiled;
      const { params, cols, rows, out } = task;
      const source = sharedRows(task.counter, cancelled);
      const state = stateOf(compiled);
      runToEnd(forwardRows(program, state, outcomes, params, cols, rows, out, meter, source));
      return;
    }
    case "adjoint-rows": {
      const compiled = compiledFor(task.circuit);
      const { program, outcomes } = compiled;
      const b = buffersFor(program, task.snapshotBudgetBytes);
      const source = sharedRows(task.counter, cancelled);
      const served =
        task.observable.kind === "cotangent"
          ? workerAwaitServed(task.observable.rowState, cancelled)
          : nothingToServe;
      try {
        const state = stateOf(compiled);
        runToEnd(adjointRows(program, outcomes, b, state, task, source, meter, served));
      } finally {
        releaseLarge(compiled);
      }
      return;
    }
    case "bind-blocks": {
      const { program } = compiledFor(task.circuit);
      blocks = {
        program,
        plan: blockPlan(program, task.blocks),
        re: task.re,
        im: task.im,
        matrices: task.matrices,
        from: task.from,
        to: task.to,
      };
      return;
    }
    case "segment": {
      if (blocks === undefined) throw new Error("segment before bind-blocks");
      const { program, plan, re, im, matrices, from, to } = blocks;
      if (!cancelled())
        applySegmentToBlocks(program, plan, task.segment, re, im, matrices, from, to);
      return;
    }
  }
}

/** Runs every task queued on the port; a failure is reported, the rest still run. */
function runQueued(): void {
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received === undefined) return;
    const exitCode = Atomics.load(control, EXIT_ON_TASK);
    if (exitCode !== 0) process.exit(exitCode);
    try {
      run(received.message as Task);
    } catch (error) {
      const failure: TaskFailure = { message: (error as Error).message ?? String(error) };
      port.postMessage(failure);
      Atomics.store(control, FAILED, 1);
    }
  }
}

let seen = 0;
for (;;) {
  for (let spin = 0; spin < SPINS_BEFORE_SLEEP; spin++)
    if (Atomics.load(control, REQUEST) !== seen) break;
  Atomics.wait(control, REQUEST, seen);
  seen = Atomics.load(control, REQUEST);
  runQueued();
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
