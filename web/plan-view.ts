/**
 * A dry run's plan (`POST /v1/dry-runs`) as the editors show it: one run's submissions, shots,
 * cost and (on IBM) transpiled depth; an experiment's (`POST /v1/experiments/dry-runs`) per
 * arm and in total.
 */
import { h } from "./dom.js";
import { integer, significant, usd } from "./format.js";
import type { ExperimentDryRun, RunPlan } from "./types.js";

/** "depth 14 · 3 two-qubit gates · 1 SWAP" of an IBM plan; "–" elsewhere. */
export function transpiledText(plan: RunPlan): string {
  const isa = plan.transpiled;
  if (isa === undefined) return "–";
  const swaps = isa.swaps === undefined ? "" : ` · ${integer(isa.swaps)} SWAPs`;
  return `depth ${integer(isa.depth)} · ${integer(isa.twoQubitGates)} two-qubit gates${swaps}`;
}

/** One run's plan as a definition list; each value carries `data-plan=<field>`. */
export function runPlanView(plan: RunPlan): HTMLElement {
  const row = (label: string, field: string, value: string) => [
    h("dt", {}, label),
    h("dd", { "data-plan": field }, value),
  ];
  return h(
    "dl",
    { class: "plan-list" },
    ...row("Epochs", "epochs", `${integer(plan.epochs)} × ${integer(plan.stepsPerEpoch)} steps`),
    ...row(
      "Submissions",
      "totalSubmissions",
      `${integer(plan.totalSubmissions)} (${integer(plan.submissionsPerEpoch)} per epoch)`,
    ),
    ...row("Circuits", "totalCircuits", integer(plan.totalCircuits)),
    ...row(
      "Shots",
      "totalShots",
      `${integer(plan.totalShots)} (${integer(plan.shotsPerEpoch)} per epoch)`,
    ),
    ...row("Estimated cost", "estimatedCostUsd", usd(plan.estimatedCostUsd)),
    ...row("Transpiled on IBM", "transpiled", transpiledText(plan)),
    ...row(
      "Compute",
      "compute",
      `${significant(plan.amplitudeOperations)} amplitude-operations · peak ${significant(plan.peakMemoryBytes / 2 ** 20)} MiB`,
    ),
  );
}

type PlanTotals = ExperimentDryRun["totals"];

/** "4" or "4 (2 later)": children in all, and those derived from finished runs (unplanned). */
const runsText = (totals: PlanTotals) =>
  totals.waiting === 0
    ? integer(totals.runs)
    : `${integer(totals.runs)} (${integer(totals.waiting)} later)`;

/** An experiment's arms (the sums over their planned children) and the total, as the API gave them. */
export function armPlansView(dryRun: ExperimentDryRun): HTMLElement {
  const cells = (totals: PlanTotals, transpiled: string) =>
    [
      runsText(totals),
      integer(totals.submissions),
      integer(totals.shots),
      usd(totals.estimatedCostUsd),
      transpiled,
    ].map((value) => h("td", { class: "num" }, value));
  return h(
    "table",
    { class: "plan-arms", "data-table": "plan" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["arm", "runs", "submissions", "shots", "estimated cost", "transpiled on IBM"].map(
          (title) => h("th", {}, title),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      ...dryRun.arms.map((arm) =>
        h(
          "tr",
          { "data-arm": arm.key },
          h("td", {}, arm.key),
          ...cells(arm.totals, arm.plan === null ? "–" : transpiledText(arm.plan)),
        ),
      ),
      h(
        "tr",
        { "data-arm": "total", class: "total" },
        h("td", {}, "total"),
        ...cells(dryRun.totals, ""),
      ),
    ),
  );
}
