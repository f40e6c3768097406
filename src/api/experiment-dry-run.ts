/**
 * `POST /v1/experiments/dry-runs`: an experiment planned and admitted as its submission would
 * be, every child queued at submission planned (its run plan), summed per arm and in total.
 * Children derived from finished runs (controls, inherit, a feedback.target baseline) have no
 * spec yet: they are counted as `waiting`, unplanned.
 */
import type { z } from "zod";
import { at } from "../errors/checked.js";
import { replicatesOf } from "../experiments/slots.js";
import type { ArmIdentity } from "../experiments/types.js";
import type { ExperimentPlan } from "../jobs/experiment-types.js";
import type { RunPlan } from "../training/plan.js";
import type { experimentDryRunSchema } from "./experiment-schemas.js";

type Totals = z.output<typeof experimentDryRunSchema>["totals"];

/** The route's body (the schema's, with the record's readonly grid values). */
export interface ExperimentDryRun {
  readonly arms: readonly {
    readonly key: string;
    readonly values: ArmIdentity["values"];
    readonly plan: RunPlan | null;
    readonly totals: Totals;
  }[];
  readonly totals: Totals;
}

const emptyTotals = (): Totals => ({
  runs: 0,
  planned: 0,
  waiting: 0,
  submissions: 0,
  circuits: 0,
  shots: 0,
  estimatedCostUsd: 0,
  amplitudeOperations: 0,
  peakMemoryBytes: 0,
});

function addPlan(totals: Totals, plan: RunPlan): void {
  totals.planned += 1;
  totals.submissions += plan.totalSubmissions;
  totals.circuits += plan.totalCircuits;
  totals.shots += plan.totalShots;
  totals.estimatedCostUsd += plan.estimatedCostUsd;
  totals.amplitudeOperations += plan.amplitudeOperations;
  totals.peakMemoryBytes = Math.max(totals.peakMemoryBytes, plan.peakMemoryBytes);
}

/** Per arm and in total, from the plan of each ready child (parallel to `planned.ready`). */
export function experimentDryRun(
  planned: ExperimentPlan,
  childPlans: readonly RunPlan[],
): ExperimentDryRun {
  const { record } = planned;
  const replicates = replicatesOf(record).length;
  const arms = record.arms.map((arm) => ({
    key: arm.key,
    values: arm.values,
    plan: null as RunPlan | null,
    totals: { ...emptyTotals(), runs: replicates * (arm.tuning?.candidates.length ?? 1) },
  }));
  planned.ready.forEach((child, index) => {
    const arm = at(arms, child.armIndex, "experiment arm");
    const plan = at(childPlans, index, "child plan");
    arm.plan ??= plan;
    addPlan(arm.totals, plan);
  });
  const totals = emptyTotals();
  for (const arm of arms) {
    arm.totals.waiting = arm.totals.runs - arm.totals.planned;
    for (const field of ["runs", "planned", "waiting", "submissions", "circuits", "shots"] as const)
      totals[field] += arm.totals[field];
    totals.estimatedCostUsd += arm.totals.estimatedCostUsd;
    totals.amplitudeOperations += arm.totals.amplitudeOperations;
    totals.peakMemoryBytes = Math.max(totals.peakMemoryBytes, arm.totals.peakMemoryBytes);
  }
  return { arms, totals };
}
