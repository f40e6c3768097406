/**
 * The transpiled (ISA) program a run first submits on a backend that transpiles (IBM), as
 * OpenQASM 3: what `GET /v1/jobs/:id/circuit.qasm?program=sent` serves. The text is
 * `emitQasm3` of the ISA circuit with its default options, which is exactly what the IBM
 * provider puts in its Sampler PUBs (providers/ibm/plan.ts). The circuit is the one the run
 * submits first — the model circuit, or with parameter-shift gradients its per-occurrence
 * form — and the provider transpiles each circuit once, so the copy costs nothing extra.
 */
import type { Provider } from "../../providers/types.js";
import type { Circuit } from "../circuits/ir.js";
import { emitQasm3 } from "../circuits/qasm3/emit.js";

/**
 * The longest sent program kept, in characters (1 MiB): four times the longest model
 * program, since routing adds SWAPs and the basis several gates per gate.
 */
export const MAX_SENT_PROGRAM_CHARS = 1024 * 1024;

/** The program a job's run submitted, or its size when it was over the kept limit. */
export type SentProgram = { readonly qasm: string } | { readonly omittedChars: number };

/** Receives the program a run submits first (awaited before that submission goes out). */
export type SentProgramListener = (program: SentProgram) => Promise<void>;

/**
 * `target` (a provider or its run scope) reporting the program of its first `run` to
 * `listener`, when `transpiling` transpiles; otherwise `target` itself. Only the first run
 * waits for the listener; later runs go straight through.
 */
export function reportingFirstSubmission<T extends Provider>(
  target: T,
  transpiling: Provider,
  listener: SentProgramListener,
): T {
  const { transpile } = transpiling;
  if (transpile === undefined) return target;
  let reported = false;
  const run: Provider["run"] = async (circuit, rows, config) => {
    if (!reported) {
      reported = true;
      await listener(await sentProgramOf(circuit, transpile));
    }
    return target.run(circuit, rows, config);
  };
  // a proxy keeps every other member and capability of the target, class instances included
  return new Proxy(target, {
    get: (object, key, receiver) => (key === "run" ? run : Reflect.get(object, key, receiver)),
  });
}

async function sentProgramOf(
  circuit: Circuit,
  transpile: NonNullable<Provider["transpile"]>,
): Promise<SentProgram> {
  const qasm = emitQasm3((await transpile(circuit)).circuit);
  return qasm.length <= MAX_SENT_PROGRAM_CHARS ? { qasm } : { omittedChars: qasm.length };
}
