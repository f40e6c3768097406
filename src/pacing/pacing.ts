/**
 * Cooperative pacing of long simulations. Work is counted in amplitude-operations (one gate
 * pass over one amplitude: a row of a circuit costs about gates × 2^qubits), and a
 * simulation written as a generator pauses (`yield`) after each chunk of about
 * {@link CHUNK_AMPLITUDE_OPERATIONS}, also inside a row when one row is larger than a chunk.
 *
 * Run with {@link runToEnd}, the pauses are skipped (synchronous callers). Run with
 * {@link runPaced}, every pause is a turn of the event loop — so timers (BullMQ's lock
 * renewal) and I/O (cancel messages) run during a long step — followed by an abort check.
 * Pausing only interleaves other work: what is computed, and in which order, never changes.
 */
import { QplaneError } from "../errors/catalogue.js";

/**
 * Amplitude-operations between two pauses: 2^24 ≈ 17 M, about 25 ms of simulation on one
 * core (measured 0.7–1.5 ns per amplitude-operation idle, 1.5–3 ns on a loaded host; for 20
 * qubits a pause every 16 gate passes). A pause costs a few µs, so pacing is free.
 */
export const CHUNK_AMPLITUDE_OPERATIONS = 2 ** 24;

/** A computation that may pause between chunks of work; its return value is the result. */
export type Paced<T> = Generator<void, T, undefined>;

/** Counts work since the last pause and says when the next one is due. */
export class WorkMeter {
  private sincePause = 0;

  /** @param chunk amplitude-operations per chunk (Infinity: never pause) */
  constructor(private readonly chunk: number) {}

  /** Records `amplitudeOperations` of work done; true when a pause is due now. */
  spend(amplitudeOperations: number): boolean {
    this.sincePause += amplitudeOperations;
    if (this.sincePause < this.chunk) return false;
    this.sincePause = 0;
    return true;
  }
}

/** Runs a paced computation to its end without pausing. */
export function runToEnd<T>(work: Paced<T>): T {
  for (;;) {
    const next = work.next();
    if (next.done) return next.value;
  }
}

const turnOfEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs a paced computation, giving the event loop a turn at every pause; stops with
 * QPLANE_ERR_RUN_CANCELLED at the first pause after `signal` aborts.
 */
export async function runPaced<T>(work: Paced<T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    const next = work.next();
    if (next.done) return next.value;
    await turnOfEventLoop();
    if (signal?.aborted) {
      work.return(undefined as T);
      throw new QplaneError("QPLANE_ERR_RUN_CANCELLED", "run was cancelled while it was running");
    }
  }
}
