/**
 * "Compare on the information plane": lists the caller's other runs of the same spec on any
 * backend (`GET /v1/jobs?specHash=`, a page at a time; typically a device run and its twin)
 * and overlays the chosen run's trajectory on the job's information plane, following it live
 * while it runs. The legend names each run's backend and id with its test metric; the chart
 * marks the two apart by colour and shape (viridis circles, vermillion squares).
 */
import { apiJson } from "../api.js";
import { COMPARISON_COLOR, VIRIDIS_GRADIENT } from "../charts/colors.js";
import { errorBox, h } from "../dom.js";
import { followEpochs } from "../epoch-follow.js";
import type { LiveStream } from "../live.js";
import type { EpochRecord, JobStatus, JobView } from "../types.js";
import { testMetricText } from "../widgets.js";
import type { EpochViews } from "./job-epochs.js";

/** Runs listed per request. */
const PAGE_SIZE = 50;

interface JobPage {
  readonly jobs: JobView[];
  readonly nextCursor: string | null;
}

/** How a run is named in the list, the legend and the chart's values table. */
const runLabel = (run: Pick<JobView, "id" | "spec">) => `${run.spec.backend.name} · ${run.id}`;

/** The last epoch's test metric: "final" once the run has all its epochs. */
function resultText(records: readonly EpochRecord[], epochs: number): string {
  const last = records.at(-1);
  if (last === undefined) return "no epoch yet";
  const metric = testMetricText(last);
  return last.epoch >= epochs
    ? `final test ${metric}`
    : `test ${metric} at epoch ${last.epoch} of ${epochs}`;
}

export class RunOverlay {
  private readonly select: HTMLSelectElement;
  private readonly more: HTMLButtonElement;
  private readonly note: HTMLElement;
  private readonly legend: HTMLElement;
  /** Listed runs by id. */
  private readonly runs = new Map<string, JobView>();
  private nextCursor: string | null = null;
  /** The run overlaid now, with its status as last heard. */
  private chosen: { run: JobView; status: JobStatus } | null = null;
  private follow: LiveStream | null = null;
  private choice: AbortController | null = null;
  private readonly stopListening: () => void;

  constructor(
    root: HTMLElement,
    private readonly job: JobView,
    private readonly views: EpochViews,
    private readonly signal: AbortSignal,
  ) {
    this.select = h(
      "select",
      { "data-action": "compare-run", disabled: true },
      h("option", { value: "" }, "none"),
    );
    this.more = h(
      "button",
      { type: "button", "data-action": "compare-more", hidden: true },
      "More runs",
    );
    this.note = h("p", { class: "small muted", "data-role": "compare-note" });
    this.legend = h("ul", { class: "legend", "data-role": "compare-legend" });
    root.append(
      h("h2", {}, "Compare on the information plane"),
      h(
        "p",
        { class: "small muted" },
        "Runs of this spec on another backend (or again on this one): a device run and its twin.",
      ),
      h("label", {}, "Run ", this.select, " ", this.more),
      this.note,
      this.legend,
    );
    this.select.addEventListener("change", () => this.choose(this.select.value));
    this.more.addEventListener("click", () => void this.load());
    this.stopListening = views.onAppend(() => this.renderLegend());
    if (job.specHash === null) {
      this.note.textContent =
        "This run was recorded before spec hashes: runs of its spec cannot be listed.";
    } else {
      void this.load();
    }
  }

  /** Lists the next page of runs with this spec (all but this job). */
  private async load(): Promise<void> {
    const query = new URLSearchParams({
      specHash: this.job.specHash ?? "",
      limit: String(PAGE_SIZE),
    });
    if (this.nextCursor !== null) query.set("cursor", this.nextCursor);
    this.more.disabled = true;
    try {
      const page = await apiJson<JobPage>(`/v1/jobs?${query}`, { signal: this.signal });
      for (const run of page.jobs) {
        if (run.id === this.job.id || this.runs.has(run.id)) continue;
        this.runs.set(run.id, run);
        this.select.append(h("option", { value: run.id }, `${runLabel(run)} · ${run.status}`));
      }
      this.nextCursor = page.nextCursor;
      this.more.hidden = page.nextCursor === null;
      this.select.disabled = this.runs.size === 0;
      this.note.textContent =
        this.runs.size === 0 && page.nextCursor === null
          ? "No other run of this spec yet, on any backend."
          : "";
    } catch (error) {
      if (!this.signal.aborted) this.note.replaceChildren(errorBox(error));
    } finally {
      this.more.disabled = false;
    }
  }

  /** Overlays run `id` ("" removes the overlay). */
  private choose(id: string): void {
    this.follow?.stop();
    this.choice?.abort();
    this.follow = null;
    this.chosen = null;
    const run = this.runs.get(id);
    if (run === undefined) {
      this.views.compareWith(null);
      this.renderLegend();
      return;
    }
    const choice = new AbortController();
    this.choice = choice;
    this.chosen = { run, status: run.status };
    this.views.compareWith({ mainLabel: runLabel(this.job), label: runLabel(run), records: [] });
    this.renderLegend();
    this.follow = followEpochs({
      path: `/v1/jobs/${encodeURIComponent(run.id)}`,
      signal: choice.signal,
      lastEpoch: () => this.views.comparisonRecords.at(-1)?.epoch ?? 0,
      append: (record) => {
        this.views.appendComparison(record);
        this.renderLegend();
      },
      onEvent: (event) => {
        if (event.type !== "status" || this.chosen?.run !== run) return;
        this.chosen.status = event.status;
        this.renderLegend();
      },
      onError: (error) => this.note.replaceChildren(errorBox(error)),
    });
  }

  private renderLegend(): void {
    if (this.chosen === null) {
      // nothing overlaid: the main run's epochs leave the (empty) legend alone
      if (this.legend.firstChild !== null) this.legend.replaceChildren();
      return;
    }
    const { run, status } = this.chosen;
    const main = h("span", { class: "swatch marker-circle" });
    main.style.backgroundImage = VIRIDIS_GRADIENT;
    const other = h("span", { class: "swatch marker-square" });
    other.style.backgroundColor = COMPARISON_COLOR;
    this.legend.replaceChildren(
      h(
        "li",
        { "data-run": this.job.id },
        main,
        `this run: ${runLabel(this.job)} — ${resultText(this.views.records, this.job.spec.training.epochs)}`,
      ),
      h(
        "li",
        { "data-run": run.id },
        other,
        `${runLabel(run)} (${status}) — ${resultText(this.views.comparisonRecords, run.spec.training.epochs)}`,
      ),
    );
  }

  dispose(): void {
    this.follow?.stop();
    this.choice?.abort();
    this.stopListening();
  }
}
