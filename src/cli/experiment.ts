/**
 * `qplane experiment --spec FILE`: an experiment in-process, without Redis: the same file as
 * the body of `POST /v1/experiments` (`spec`, `grid`, optional `threshold`, `name`, `tags`),
 * children run one after another, the same aggregation as the API. The folder
 * `runs/<id>/` receives experiment.json (the aggregate view and per-arm curves),
 * aggregate.csv and one run folder per child.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { experimentSubmissionSchema } from "../api/experiment-schemas.js";
import { QplaneError } from "../errors/catalogue.js";
import { armCurves } from "../experiments/aggregate.js";
import { planExperiment } from "../experiments/grid.js";
import type { ChildOutcome, ExperimentRecord } from "../experiments/types.js";
import { experimentCsv, experimentMarkdown, experimentView } from "../experiments/view.js";
import { createProgressReporter } from "../runs/progress.js";
import { newRunId, writeRunFolder } from "../runs/run-folder.js";
import { type BackendResolver, runTraining } from "../training/run.js";
import { describeSpecIssues } from "../training/spec.js";
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
  const { name, tags, spec, grid, threshold } = parsed.data;
  const plan = planExperiment(spec, grid, { maxJobs: options.maxJobs ?? 1000, threshold });
  const resolveBackend = options.resolveBackend ?? cliBackendResolver();

  const id = newRunId();
  const dir = join(options.runsDir, id);
  await mkdir(dir, { recursive: true });
  const childIds = plan.children.map(
    (child, index) =>
      `${String(index + 1).padStart(3, "0")}-arm${child.armIndex + 1}${child.replicate === null ? "" : `-seed${child.replicate}`}`,
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
    arms: plan.arms.map((arm, armIndex) => ({
      ...arm,
      jobIds: childIds.filter((_, index) => plan.children[index]!.armIndex === armIndex),
    })),
  };

  const progress =
    options.quiet || options.json
      ? undefined
      : createProgressReporter({
          total: plan.children.length,
          stream: process.stderr,
          unit: "run",
        });
  const outcomes = new Map<string, ChildOutcome>();
  try {
    for (const [index, child] of plan.children.entries()) {
      const childId = childIds[index]!;
      try {
        const { result } = await runTraining(child.spec, { resolveBackend });
        await writeRunFolder(dir, {
          id: childId,
          spec: child.spec,
          records: result.records,
          summary: result.summary,
        });
        outcomes.set(childId, {
          id: childId,
          status: "completed",
          records: result.records,
          summary: result.summary,
        });
      } catch (error) {
        // one failing child (a dataset, a backend) must not lose the others' results
        const message = error instanceof Error ? error.message : String(error);
        await writeFile(join(dir, `${childId}.error.txt`), `${message}\n`);
        outcomes.set(childId, { id: childId, status: "failed", records: [], summary: null });
        if (!options.quiet && !options.json) write(`${childId}: failed: ${message}\n`);
      }
      progress?.update(index + 1, outcomes.get(childId)?.records.at(-1));
    }
  } finally {
    progress?.stop();
  }

  const view = experimentView(record, outcomes);
  const curves = armCurves(record.arms, outcomes);
  await writeFile(join(dir, "experiment.json"), json({ ...view, curves }));
  await writeFile(join(dir, "aggregate.csv"), experimentCsv(view));
  if (options.json) {
    write(`${JSON.stringify({ dir, experiment: view })}\n`);
    return;
  }
  if (!options.quiet) {
    write(`experiment ${dir}: ${view.counts.completed}/${view.jobIds.length} runs completed\n\n`);
    write(`${experimentMarkdown(view)}\n`);
  }
}
