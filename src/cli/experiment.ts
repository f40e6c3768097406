/**
 * `qplane experiment --spec FILE`: an experiment in-process, without Redis: the same file as
 * the body of `POST /v1/experiments` (`spec`, `grid`, optional `threshold`, `name`, `tags`,
 * `compare`, `controls`), children run one after another, the same aggregation and
 * comparisons as the API. Controls (src/experiments/controls.ts) run after the grid's
 * children, since each is derived from a finished feedback run. The folder
 * `runs/<id>/` receives experiment.json (the aggregate view and per-arm curves),
 * aggregate.csv and one run folder per child.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { experimentSubmissionSchema } from "../api/experiment-schemas.js";
import { QplaneError } from "../errors/catalogue.js";
import { armCurves } from "../experiments/aggregate.js";
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
import type { ChildOutcome, ExperimentRecord } from "../experiments/types.js";
import {
  comparisonsMarkdown,
  experimentCsv,
  experimentMarkdown,
  experimentView,
} from "../experiments/view.js";
import { createProgressReporter } from "../runs/progress.js";
import { newRunId, writeRunFolder } from "../runs/run-folder.js";
import { type BackendResolver, runTraining } from "../training/run.js";
import { describeSpecIssues, type JobSpec } from "../training/spec.js";
import { cliBackendResolver, readSpecFile } from "./train.js";

export interface ExperimentCommandOptions {
  readonly specPath: string;
  readonly runsDir: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Most children the grid may have. @defaultValue 1000 */
  readonly maxJobs?: number;
  /** @defaultValue the backends of QPLANE_BACKENDS (local always) */
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
  const runChild = async (childId: string, childSpec: () => JobSpec) => {
    try {
      const spec = childSpec();
      const { result } = await runTraining(spec, { resolveBackend });
      await writeRunFolder(dir, {
        id: childId,
        spec,
        records: result.records,
        summary: result.summary,
      });
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
  try {
    for (const [index, child] of plan.children.entries()) {
      await runChild(childIds[index]!, () => child.spec);
    }
    for (const [index, control] of controlPlans.entries()) {
      await runControls(control, controlIds[index]!);
    }
  } finally {
    progress?.stop();
  }

  /** One control child per run of its feedback arm, from that run's (and a donor's) outcome. */
  async function runControls(control: ControlArmPlan, ids: readonly string[]): Promise<void> {
    const sources = plan.children.filter((child) => child.armIndex === control.sourceArmIndex);
    const sourceIds = gridArms[control.sourceArmIndex]!.jobIds;
    for (const [replicateIndex, childId] of ids.entries()) {
      const source = sources[replicateIndex]!;
      const outcome = outcomes.get(sourceIds[replicateIndex]!);
      if (outcome?.status !== "completed" || outcome.summary === null) {
        await fail(
          childId,
          `controls: its feedback run ${sourceIds[replicateIndex]} did not complete`,
        );
        progress?.update(++finished);
        continue;
      }
      if (control.control.kind === "dose-matched") {
        await runChild(childId, () => doseMatchedSpec(source.spec, outcome.summary!));
        continue;
      }
      const donorIndex = placeboDonorIndex(replicateIndex, sources.length);
      const donor = outcomes.get(sourceIds[donorIndex]!);
      if (donor?.status !== "completed") {
        await fail(
          childId,
          `controls: placebo replays ${sourceIds[donorIndex]}, which did not complete`,
        );
        progress?.update(++finished);
        continue;
      }
      await runChild(childId, () =>
        placeboSpec(source.spec, donor.records, sources[donorIndex]!.spec.training.seed),
      );
    }
  }

  const view = experimentView(record, outcomes);
  const curves = armCurves(record.arms, outcomes);
  await writeFile(join(dir, "experiment.json"), json({ ...view, curves }));
  await writeFile(join(dir, "aggregate.csv"), experimentCsv(view));
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
