/**
 * A large state's forward pass split by amplitude blocks. The state (shared memory) is cut
 * into P = 2^k equal aligned blocks. An operation whose qubits are all below n − k pairs
 * amplitudes inside one block only, so each thread applies it to its own blocks with the
 * unchanged kernels (a block is a state of n − k qubits to them); consecutive such operations
 * form a parallel segment, and threads meet only at a segment's end. An operation on one of
 * the top k qubits forms a serial segment that the calling thread applies to the whole state
 * (for the benchmark circuit on 20 qubits and 2 threads: 8 of 156 operations).
 *
 * Every amplitude is updated by the same kernel arithmetic as in a single-threaded pass, and
 * no kernel sums across amplitudes, so the state is the same bit for bit.
 */
import type { Circuit } from "../../../src/circuits/ir.js";
import type { ParameterMatrix } from "../../../src/circuits/parameters.js";
import type { Paced, WorkMeter } from "../pacing.js";
import { bindRow, Kernel, type Program } from "../program.js";
import { applyOp, applyOpOn, resetState, type Statevector } from "../statevector.js";
import { awaitWorkers, type PoolWorker, stopWorkers, type ThreadPool } from "./pool.js";
import { blockCount, shardRange } from "./shard.js";

export interface BlockPlan {
  readonly blocks: number;
  readonly blockDim: number;
  /** Operations of segment s: segmentStart[s] .. segmentStart[s + 1]. */
  readonly segmentStart: Int32Array;
  /** 1 where a segment's operations stay inside blocks (applied by every thread). */
  readonly parallel: Uint8Array;
}

const plans = new WeakMap<Program, Map<number, BlockPlan>>();

/** The segments of `program` cut into `blocks` blocks (cached per program). */
export function blockPlan(program: Program, blocks: number): BlockPlan {
  let byBlocks = plans.get(program);
  if (byBlocks === undefined) {
    byBlocks = new Map();
    plans.set(program, byBlocks);
  }
  let plan = byBlocks.get(blocks);
  if (plan !== undefined) return plan;
  const topBits = Math.log2(blocks);
  const lowLimit = program.numQubits - topBits;
  const inBlock = (op: number): boolean =>
    program.kernels[op] === Kernel.skip ||
    (program.qubitA[op]! < lowLimit && program.qubitB[op]! < lowLimit);
  const starts: number[] = [];
  const parallel: number[] = [];
  for (let op = 0; op < program.opCount; op++) {
    const kind = inBlock(op) ? 1 : 0;
    if (op === 0 || kind !== parallel[parallel.length - 1]) {
      starts.push(op);
      parallel.push(kind);
    }
  }
  starts.push(program.opCount);
  plan = {
    blocks,
    blockDim: program.dim / blocks,
    segmentStart: Int32Array.from(starts),
    parallel: Uint8Array.from(parallel),
  };
  byBlocks.set(blocks, plan);
  return plan;
}

/** Applies the operations of parallel segment `segment` to blocks [from, to) of the state. */
export function applySegmentToBlocks(
  program: Program,
  plan: BlockPlan,
  segment: number,
  re: Float64Array,
  im: Float64Array,
  matrices: Float64Array,
  from: number,
  to: number,
): void {
  const { blockDim } = plan;
  for (let block = from; block < to; block++) {
    const start = block * blockDim;
    const amplitudes = {
      re: re.subarray(start, start + blockDim),
      im: im.subarray(start, start + blockDim),
    };
    for (let op = plan.segmentStart[segment]!; op < plan.segmentStart[segment + 1]!; op++)
      applyOpOn(program, op, amplitudes, blockDim, matrices, program.matrixOffset[op]!);
  }
}

/**
 * The forward pass of row `row` of `matrix` into the pool's shared state (returned; valid
 * until the pool's next run), split by amplitude blocks over the pool's workers and the
 * calling thread (`program`: its compilation of `circuit`, gate fusion `fuse`).
 */
export function* pacedForwardByBlocks(
  pool: ThreadPool,
  circuit: Circuit,
  fuse: boolean,
  program: Program,
  matrix: ParameterMatrix,
  row: number,
  meter: WorkMeter,
): Paced<Statevector> {
  const threads = pool.workers.length + 1;
  const plan = blockPlan(program, blockCount(threads));
  const state = pool.sharedState(program.dim);
  const { re, im } = state;
  bindRow(program, matrix.values, matrix.cols, row);
  const matrices = pool.shared("matrices", program.matrices.length);
  matrices.set(program.matrices);
  resetState(state);
  const used: PoolWorker[] = [];
  pool.workers.forEach((worker, k) => {
    const [from, to] = shardRange(plan.blocks, threads, k + 1);
    if (from === to) return;
    const ref = worker.ref(circuit, fuse);
    worker.post({
      kind: "bind-blocks",
      circuit: ref,
      re,
      im,
      matrices,
      blocks: plan.blocks,
      from,
      to,
    });
    used.push(worker);
  });
  const [, mainTo] = shardRange(plan.blocks, threads, 0);
  const segments = plan.parallel.length;
  for (let segment = 0; segment < segments; segment++) {
    const ops = plan.segmentStart[segment + 1]! - plan.segmentStart[segment]!;
    if (plan.parallel[segment] === 1) {
      for (const worker of used) worker.post({ kind: "segment", segment });
      let finished = false;
      try {
        applySegmentToBlocks(program, plan, segment, re, im, matrices, 0, mainTo);
        yield* awaitWorkers(used);
        finished = true;
      } finally {
        if (!finished) stopWorkers(used);
      }
    } else {
      for (let op = plan.segmentStart[segment]!; op < plan.segmentStart[segment + 1]!; op++)
        applyOp(program, op, state, program.matrices, program.matrixOffset[op]!);
    }
    if (meter.spend(ops * program.dim)) yield;
  }
  return state;
}
