/**
 * `qplane experiment --spec FILE`: an experiment in-process, without Redis: the same file as
 * the body of `POST /v1/experiments` (`spec`, `grid`, optional `threshold`, `name`, `tags`,
 * `compare`, `controls`, `tune`, `inherit`, `splitPerSeed`), children run on `parallel` worker
 * threads (1: one after another in this thread), the same aggregation and comparisons as the
 * API. Which children run when is src/experiments/derive.ts's: what is ready runs, and as
 * runs finish the children waiting for them (tuned baselines' selections, inheritance,
 * controls) are derived, until nothing is ready or running. Every child is deterministic from its spec and
 * results are kept by slot and child id, so the output does not depend on `parallel`. The
 * folder `runs/<id>/` receives experiment.json (the aggregate view and per-arm curves),
 * aggregate.csv and one run folder per child (`<childId>.error.txt` for one that failed or
 * could never run).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { experimentSubmissionSchema } from "../api/experiment-schemas.js";
import { QplaneError } from "../errors/catalogue.js";
import { at, required } from "../errors/checked.js";
import { armCurves } from "../experiments/aggregate.js";
import { trainChild } from "../experiments/child-run.js";
import { deriveReady, resolveArms } from "../experiments/derive.js";
import { planExperimentRecord } from "../experiments/plan-record.js";
import { createRunPool, type RunPool, runPoolAvailable } from "../experiments/run-pool.js";
import { plannedChildren } from "../experiments/slots.js";
import type { ChildOutcome, ExperimentRecord } from "../experiments/types.js";
import {
  comparisonsMarkdown,
  experimentCsv,
  experimentMarkdown,
  experimentView,
} from "../experiments/view.js";
import { createProgressReporter } from "../runs/progress.js";
import { newRunId, type RunArtifacts } from "../runs/run-folder.js";
import type { BackendResolver } from "../training/run.js";
import { describeSpecIssues, type JobSpec } from "../training/spec.js";
import { cliBackendResolver, readProgramFile, readSpecFile, withProgramRead } from "./train.js";

export interface ExperimentCommandOptions {
  readonly specPath: string;
  readonly runsDir: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Most children the grid may have. @defaultValue 1000 */
  readonly maxJobs?: number;
  /**
   * Children trained at once, each on its own worker thread; 1 trains them one after another
   * in this thread (as does any value when running the TypeScript sources, which have no
   * compiled worker module). Each child's simulator gets max(1, ⌊QPLANE_THREADS / parallel⌋)
   * threads (QPLANE_THREADS defaults to the cores; src/experiments/run-pool.ts), so the
   * machine is not oversubscribed. @defaultValue 1
   */
  readonly parallel?: number;
  /**
   * @defaultValue the backends of QPLANE_BACKENDS (local always). A function cannot reach a
   * worker thread, so when given, children run in this thread (`parallel` is ignored).
   */
  readonly resolveBackend?: BackendResolver;
  /**
   * What each child's run folder gets: "full" (plots and CSV too) or "metrics" (spec.json,
   * metrics.json, summary.json: for experiments of thousands of children). @defaultValue "full"
   */
  readonly childArtifacts?: RunArtifacts;
}

/**
 * The programs an experiment file names by file, read as `qplane train` reads them: the base
 * spec's `model.qasmFile`, and a grid over `model.qasmFile` (one file per arm, relative to
 * the file), which becomes the grid over `model.qasm` the API takes (arms keyed by the
 * program's hash: `armKeyText`).
 */
function withExperimentPrograms(
  input: Record<string, unknown>,
  specPath: string,
): Record<string, unknown> {
  const { spec, grid } = input;
  const read = { ...input };
  if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
    read.spec = withProgramRead(spec as Record<string, unknown>, specPath, "spec.model");
  }
  if (grid === null || typeof grid !== "object" || Array.isArray(grid)) return read;
  const { "model.qasmFile": files, ...rest } = grid as Record<string, unknown>;
  if (files === undefined) return read;
  if (rest["model.qasm"] !== undefined || !Array.isArray(files)) {
    throw new QplaneError(
      "QPLANE_ERR_GRID_INVALID",
      `grid.model.qasmFile: must be a list of OpenQASM 3 files, and the grid may not also vary model.qasm`,
    );
  }
  const programs = files.map((file, index) =>
    readProgramFile(file, specPath, `grid.model.qasmFile[${index}]`),
  );
  // in place: the first field varies slowest
  const fields = Object.entries(grid).map(([field, values]) =>
    field === "model.qasmFile" ? ["model.qasm", programs] : [field, values],
  );
  return { ...read, grid: Object.fromEntries(fields) };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export async function experimentCommand(
  options: ExperimentCommandOptions,
  write: (text: string) => void,
): Promise<void> {
  const input = withExperimentPrograms(readSpecFile(options.specPath), options.specPath);
  const parsed = experimentSubmissionSchema.safeParse(input);
  if (!parsed.success) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `--spec ${options.specPath}: ${describeSpecIssues(parsed.error, input, "")}`,
    );
  }
  const { name, tags, ...definition } = parsed.data;
  const id = newRunId();
  const planned = planExperimentRecord(
    {
      ...definition,
      id,
      name: name ?? null,
      tags: tags ?? [],
      createdAt: new Date().toISOString(),
      owner: null,
    },
    { maxJobs: options.maxJobs ?? 1000 },
  );
  const resolveBackend = options.resolveBackend ?? cliBackendResolver();
  const parallel = options.resolveBackend === undefined ? (options.parallel ?? 1) : 1;
  const artifacts = options.childArtifacts ?? "full";

  const dir = join(options.runsDir, id);
  await mkdir(dir, { recursive: true });
  // child ids are numbered by planned position (grid arms, then controls), so they do not
  // depend on when a child became ready
  const children = plannedChildren(planned);
  const ordinalOf = new Map(
    children.map((child, index) => [`${child.armIndex}/${child.slot}`, index]),
  );
  const childIdOf = (armIndex: number, slot: string): string => {
    const ordinal = required(ordinalOf, `${armIndex}/${slot}`, "planned child");
    const child = at(children, ordinal, "planned child");
    const arm = at(planned.arms, armIndex, "experiment arm");
    const { control } = arm;
    const sourceIndex =
      control === undefined
        ? armIndex
        : planned.arms.findIndex((other) => !other.control && other.key === control.of);
    return [
      String(ordinal + 1).padStart(3, "0"),
      `-arm${sourceIndex + 1}`,
      arm.control === undefined ? "" : `-${arm.control.kind}`,
      child.replicate === null ? "" : `-seed${child.replicate}`,
      child.candidateIndex === null ? "" : `-c${child.candidateIndex + 1}`,
    ].join("");
  };
  // what was launched, per arm (the record deriveReady reads)
  const launched = planned.arms.map(() => ({
    jobIds: [] as string[],
    slots: [] as string[],
    unrunnable: [] as { slot: string; message: string }[],
  }));
  const current = (): ExperimentRecord => ({
    ...planned,
    arms: planned.arms.map((arm, armIndex) => ({ ...arm, ...launched[armIndex]! })),
  });

  const total = children.length;
  const progress =
    options.quiet || options.json
      ? undefined
      : createProgressReporter({ total, stream: process.stderr, unit: "run" });
  const outcomes = new Map<string, ChildOutcome>();
  let finished = 0;
  const report = async (childId: string, message: string) => {
    // one failing child (a dataset, a backend) must not lose the others' results
    await writeFile(join(dir, `${childId}.error.txt`), `${message}\n`);
    if (!options.quiet && !options.json) write(`${childId}: failed: ${message}\n`);
  };
  // never more threads than children (the pool starts them lazily, as runs are queued)
  const poolSize = Math.min(parallel, total);
  const pool: RunPool | null =
    poolSize > 1 && runPoolAvailable() ? createRunPool({ size: poolSize }) : null;
  const runChild = async (childId: string, spec: JobSpec) => {
    try {
      const folder = { dir, id: childId, artifacts };
      const result = await (pool === null
        ? trainChild(spec, resolveBackend, folder)
        : pool.run(spec, folder));
      outcomes.set(childId, {
        id: childId,
        status: "completed",
        records: result.records,
        summary: result.summary,
        seed: spec.training.seed,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcomes.set(childId, { id: childId, status: "failed", records: [], summary: null });
      await report(childId, message);
    }
    progress?.update(++finished, outcomes.get(childId)?.records.at(-1));
  };
  const running = new Set<Promise<void>>();
  try {
    for (;;) {
      const derivation = deriveReady(current(), outcomes);
      for (const child of derivation.unrunnable) {
        at(launched, child.armIndex, "launched arm").unrunnable.push({
          slot: child.slot,
          message: child.message,
        });
        await report(childIdOf(child.armIndex, child.slot), child.message);
        progress?.update(++finished);
      }
      for (const child of derivation.ready) {
        const childId = childIdOf(child.armIndex, child.slot);
        const arm = at(launched, child.armIndex, "launched arm");
        arm.jobIds.push(childId);
        arm.slots.push(child.slot);
        if (pool === null) {
          await runChild(childId, child.spec);
        } else {
          const task: Promise<void> = runChild(childId, child.spec).then(() => {
            running.delete(task);
          });
          running.add(task);
        }
      }
      const progressed = derivation.ready.length + derivation.unrunnable.length > 0;
      if (running.size === 0) {
        if (progressed) continue;
        break;
      }
      // re-derive once a run finished and the pool has no queued run left to start
      do await Promise.race(running);
      while (running.size > poolSize);
    }
  } finally {
    progress?.stop();
    await pool?.close();
  }

  // results keyed by slot, in planned order: the same whatever ran first
  const record = current();
  const ordered: ExperimentRecord = {
    ...record,
    arms: record.arms.map((arm, armIndex) => {
      const order = (slot: string) => required(ordinalOf, `${armIndex}/${slot}`, "planned child");
      const pairs = arm.jobIds
        .map((jobId, index) => ({ jobId, slot: at(arm.slots ?? [], index, "launched slot") }))
        .sort((a, b) => order(a.slot) - order(b.slot));
      const unrunnable = [...(arm.unrunnable ?? [])].sort((a, b) => order(a.slot) - order(b.slot));
      const { unrunnable: _unrunnable, ...rest } = arm;
      return {
        ...rest,
        jobIds: pairs.map((pair) => pair.jobId),
        slots: pairs.map((pair) => pair.slot),
        ...(unrunnable.length > 0 ? { unrunnable } : {}),
      };
    }),
  };
  const view = experimentView(ordered, outcomes);
  const curves = armCurves(resolveArms(ordered, outcomes).arms, outcomes);
  await writeFile(join(dir, "experiment.json"), json({ ...view, curves }));
  await writeFile(join(dir, "aggregate.csv"), experimentCsv(view));
  // a feedback arm whose L_comp never fell below half its start was steered by a near-constant
  // factor: its "feedback" is a learning-rate dose (stderr, so --json stays one line)
  for (const arm of view.arms) {
    const unreachable = arm.feedbackUnreachable;
    if (unreachable !== undefined && unreachable.count > 0) {
      process.stderr.write(
        `warning: arm ${arm.key}: the feedback target was unreachable in ${unreachable.count} of ${unreachable.of} runs (L_comp never fell below half its first value)\n`,
      );
    }
  }
  if (options.json) {
    const comparisons = view.comparisons === undefined ? {} : { comparisons: view.comparisons };
    write(`${JSON.stringify({ dir, experiment: view, ...comparisons })}\n`);
    return;
  }
  if (!options.quiet) {
    write(`experiment ${dir}: ${view.counts.completed}/${view.jobIds.length} runs completed\n\n`);
    write(`${experimentMarkdown(view)}\n`);
    if (view.comparisons !== undefined && view.compare !== undefined) {
      write(
        `\nagainst the baseline ${view.compare.baselineArm} (paired by seed, arm − baseline):\n\n`,
      );
      write(`${comparisonsMarkdown(view.comparisons)}\n`);
    }
  }
}
