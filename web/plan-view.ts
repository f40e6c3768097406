/**
 * A dry run's plan (`POST /v1/dry-runs`) as the editors show it: one run's submissions, shots,
 * cost and (on IBM) transpiled depth; an experiment's per arm, times its seeds, and in total.
 */
import { h } from "./dom.js";
import { integer, significant, usd } from "./format.js";
import type { RunPlan } from "./types.js";

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

export interface ArmPlan {
  readonly key: string;
  /** Children of the arm: its seeds (1 without a replicate axis). */
  readonly runs: number;
  readonly plan: RunPlan;
}

/** An experiment's arms (one run's plan × its runs) and their total. */
export function armPlansView(arms: readonly ArmPlan[]): HTMLElement {
  const total = { runs: 0, submissions: 0, shots: 0, cost: 0 };
  for (const arm of arms) {
    total.runs += arm.runs;
    total.submissions += arm.runs * arm.plan.totalSubmissions;
    total.shots += arm.runs * arm.plan.totalShots;
    total.cost += arm.runs * arm.plan.estimatedCostUsd;
  }
  const cells = (values: readonly string[]) =>
    values.map((value) => h("td", { class: "num" }, value));
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
      ...arms.map((arm) =>
        h(
          "tr",
          { "data-arm": arm.key },
          h("td", {}, arm.key),
          ...cells([
            integer(arm.runs),
            integer(arm.runs * arm.plan.totalSubmissions),
            integer(arm.runs * arm.plan.totalShots),
            usd(arm.runs * arm.plan.estimatedCostUsd),
            transpiledText(arm.plan),
          ]),
        ),
      ),
      h(
        "tr",
        { "data-arm": "total", class: "total" },
        h("td", {}, "total"),
        ...cells([
          integer(total.runs),
          integer(total.submissions),
          integer(total.shots),
          usd(total.cost),
          "",
        ]),
      ),
    ),
  );
}
