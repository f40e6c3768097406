/**
 * `qplane experiment --spec FILE`: an experiment in-process, without Redis: the same file as
 * the body of `POST /v1/experiments` (`spec`, `grid`, optional `threshold`, `name`, `tags`,
 * `compare`, `controls`), children run on `parallel` worker threads (1: one after another in
 * this thread), the same aggregation and comparisons as the API. Controls
 * (src/experiments/controls.ts) run in a second wave after the grid's children, since each
 * is derived from a finished feedback run. Every child is deterministic from its spec and
 * results are kept by child id, so the output does not depend on `parallel`. The folder
 * `runs/<id>/` receives experiment.json (the aggregate view and per-arm curves),
 * aggregate.csv and one run folder per child.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { experimentSubmissionSchema } from "../api/experiment-schemas.js";
import { QplaneError } from "../errors/catalogue.js";
import { armCurves } from "../experiments/aggregate.js";
import { trainChild } from "../experiments/child-run.js";
import { findBaselineArm } from "../experiments/comparisons.js";
import {
  type ControlArmPlan,
  controlArms,
  doseMatchedSpec,
  placeboDonorIndex,
  placeboSpec,
  planControlArms,
} from "../experiments/controls.js";
import { planExperiment } from "../experiments/grid.js";
import { createRunPool, type RunPool, runPoolAvailable } from "../experiments/run-pool.js";
import type { ChildOutcome, ExperimentRecord } from "../experiments/types.js";
import {
  comparisonsMarkdown,
  experimentCsv,
  experimentMarkdown,
  experimentView,
} from "../experiments/view.js";
import { createProgressReporter } from "../runs/progress.js";
import { newRunId } from "../runs/run-folder.js";
import type { BackendResolver } from "../training/run.js";
import { describeSpecIssues, type JobSpec } from "../training/spec.js";
import { cliBackendResolver, readSpecFile } from "./train.js";

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
   * compiled worker module). @defaultValue 1
   */
  readonly parallel?: number;
  /**
   * @defaultValue the backends of QPLANE_BACKENDS (local always). A function cannot reach a
   * worker thread, so when given, children run in this thread (`parallel` is ignored).
   */
  readonly resolveBackend?: BackendResolver;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export async function experimentCommand(
  options: ExperimentCommandOptions,
  write: (text: string) => void,
): Promise<void> {
  const input = readSpecFile(options.specPath);
  const parsed = experimentSubmissionSchema.safeParse(input);
  if (!parsed.success) {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `--spec ${options.specPath}: ${describeSpecIssues(parsed.error, input, "")}`,
    );
  }
  const { name, tags, spec, grid, threshold, compare, controls } = parsed.data;
  const plan = planExperiment(spec, grid, { maxJobs: options.maxJobs ?? 1000, threshold });
  const baselineIndex = compare === undefined ? null : findBaselineArm(plan.arms, compare.baseline);
  const controlPlans = planControlArms(plan, controls ?? []);
  const resolveBackend = options.resolveBackend ?? cliBackendResolver();
  const parallel = options.resolveBackend === undefined ? (options.parallel ?? 1) : 1;

  const id = newRunId();
  const dir = join(options.runsDir, id);
  await mkdir(dir, { recursive: true });
  const childIds = plan.children.map(
    (child, index) =>
      `${String(index + 1).padStart(3, "0")}-arm${child.armIndex + 1}${child.replicate === null ? "" : `-seed${child.replicate}`}`,
  );
  const gridArms = plan.arms.map((arm, armIndex) => ({
    ...arm,
    jobIds: childIds.filter((_, index) => plan.children[index]!.armIndex === armIndex),
  }));
  // control children are numbered after the grid's, one per child of their feedback arm
  let nextNumber = plan.children.length;
  const controlIds = controlPlans.map((control) =>
    gridArms[control.sourceArmIndex]!.jobIds.map((_, replicateIndex) => {
      const source = plan.children.filter((child) => child.armIndex === control.sourceArmIndex)[
        replicateIndex
      ]!;
      nextNumber++;
      return `${String(nextNumber).padStart(3, "0")}-arm${control.sourceArmIndex + 1}-${control.control.kind}${source.replicate === null ? "" : `-seed${source.replicate}`}`;
    }),
  );
  const record: ExperimentRecord = {
    id,
    name: name ?? null,
    tags: tags ?? [],
    createdAt: new Date().toISOString(),
    owner: null,
    grid,
    replicateField: plan.replicateField,
    threshold: plan.threshold,
    arms: [...gridArms, ...controlArms(controlPlans, (_, index) => controlIds[index]!)],
    ...(compare !== undefined && baselineIndex !== null
      ? {
          compare: {
            baseline: compare.baseline,
            baselineArm: plan.arms[baselineIndex]!.key,
            thresholdGiven: threshold !== undefined,
          },
        }
      : {}),
    ...(controls !== undefined && controls.length > 0 ? { controls } : {}),
  };

  const total = nextNumber; // grid children and control children
  const progress =
    options.quiet || options.json
      ? undefined
      : createProgressReporter({ total, stream: process.stderr, unit: "run" });
  const outcomes = new Map<string, ChildOutcome>();
  let finished = 0;
  const fail = async (childId: string, message: string) => {
    // one failing child (a dataset, a backend) must not lose the others' results
    await writeFile(join(dir, `${childId}.error.txt`), `${message}\n`);
    outcomes.set(childId, { id: childId, status: "failed", records: [], summary: null });
    if (!options.quiet && !options.json) write(`${childId}: failed: ${message}\n`);
  };
  // never more threads than children (the pool starts them lazily, as runs are queued)
  const poolSize = Math.min(parallel, total);
  const pool: RunPool | null =
    poolSize > 1 && runPoolAvailable() ? createRunPool({ size: poolSize }) : null;
  const runChild = async (childId: string, childSpec: () => JobSpec) => {
    try {
      const spec = childSpec();
      const folder = { dir, id: childId };
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
      await fail(childId, error instanceof Error ? error.message : String(error));
    }
    progress?.update(++finished, outcomes.get(childId)?.records.at(-1));
  };
  // serially one at a time; with a pool all at once (its queue bounds how many train)
  const wave = async (tasks: readonly (() => Promise<void>)[]) => {
    if (pool !== null) await Promise.all(tasks.map((task) => task()));
    else for (const task of tasks) await task();
  };
  try {
    await wave(
      plan.children.map((child, index) => () => runChild(childIds[index]!, () => child.spec)),
    );
    await wave(
      controlPlans.flatMap((control, index) =>
        controlIds[index]!.map(
          (childId, replicateIndex) => () => runControl(control, replicateIndex, childId),
        ),
      ),
    );
  } finally {
    progress?.stop();
    await pool?.close();
  }

  /** One control child for one run of its feedback arm, from that run's (and a donor's) outcome. */
  async function runControl(
    control: ControlArmPlan,
    replicateIndex: number,
    childId: string,
  ): Promise<void> {
    const sources = plan.children.filter((child) => child.armIndex === control.sourceArmIndex);
    const sourceIds = gridArms[control.sourceArmIndex]!.jobIds;
    const source = sources[replicateIndex]!;
    const outcome = outcomes.get(sourceIds[replicateIndex]!);
    if (outcome?.status !== "completed" || outcome.summary === null) {
      await fail(
        childId,
        `controls: its feedback run ${sourceIds[replicateIndex]} did not complete`,
      );
      progress?.update(++finished);
      return;
    }
    if (control.control.kind === "dose-matched") {
      await runChild(childId, () => doseMatchedSpec(source.spec, outcome.summary!));
      return;
    }
    const donorIndex = placeboDonorIndex(replicateIndex, sources.length);
    const donor = outcomes.get(sourceIds[donorIndex]!);
    if (donor?.status !== "completed") {
      await fail(
        childId,
        `controls: placebo replays ${sourceIds[donorIndex]}, which did not complete`,
      );
      progress?.update(++finished);
      return;
    }
    await runChild(childId, () =>
      placeboSpec(source.spec, donor.records, sources[donorIndex]!.spec.training.seed),
    );
  }

  const view = experimentView(record, outcomes);
  const curves = armCurves(record.arms, outcomes);
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
