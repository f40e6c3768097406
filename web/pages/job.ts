/**
 * One job: header (status, progress, clone, cancel, CSV), the live epoch views (followed
 * through epoch-follow.ts), the comparison with a run of the same spec (job-overlay.ts), the
 * spec and its circuit (job-circuit.ts).
 */
import { apiJson, download, post } from "../api.js";
import { errorBox, h, mount } from "../dom.js";
import { followEpochs } from "../epoch-follow.js";
import { significant, when } from "../format.js";
import type { Page } from "../router.js";
import { type JobView, type RunSummaryView, TERMINAL_STATUSES } from "../types.js";
import { actionLink, loadFailure, ProgressBar, setStatusBadge, statusBadge } from "../widgets.js";
import { jobCircuitPanel } from "./job-circuit.js";
import { EpochViews } from "./job-epochs.js";
import { RunOverlay } from "./job-overlay.js";

export interface JobPage extends Page {
  /** The epoch views, for the bench (append one record / rebuild from scratch). */
  readonly epochs: EpochViews | null;
}

/**
 * The run's learning-rate dose and, with feedback on, whether L_comp ever fell below half
 * its first value (empty before the run has a summary).
 */
export function steeringText(summary: RunSummaryView | null | undefined): string {
  if (summary === null || summary === undefined) return "";
  const parts: string[] = [];
  if (typeof summary.meanLearningRate === "number") {
    parts.push(`mean η ${significant(summary.meanLearningRate)}`);
  }
  if (summary.feedbackReachable !== undefined) {
    const ratio =
      typeof summary.feedbackReachability === "number"
        ? ` (min L_comp ÷ first ${significant(summary.feedbackReachability)})`
        : "";
    parts.push(
      summary.feedbackReachable
        ? `feedback target reachable${ratio}`
        : `feedback target unreachable: L_comp never fell below half its first value${ratio}`,
    );
  }
  return parts.join(" · ");
}

export function jobPage(id: string): JobPage {
  const controller = new AbortController();
  const path = `/v1/jobs/${encodeURIComponent(id)}`;
  let views: EpochViews | null = null;
  let stream: { stop(): void } | null = null;
  let overlay: RunOverlay | null = null;
  const main = mount(h("p", { class: "muted" }, `Loading job ${id}…`));

  const open = (job: JobView) => {
    const badge = statusBadge(job.status);
    const progress = new ProgressBar();
    progress.set(job.progress.epoch, job.progress.epochs);
    const cancel = h(
      "button",
      { type: "button", class: "danger", "data-action": "cancel" },
      "Cancel",
    );
    const csv = h("button", { type: "button", "data-action": "csv" }, "Download CSV");
    const notice = h("div", { class: "notice" });
    const timing = h("p", { class: "muted small" });
    const steering = h("p", { class: "small", "data-role": "steering" });
    const epochsRoot = h("div", { class: "epochs" });
    const overlayRoot = h("section", { class: "panel compare", "data-role": "compare" });
    const showTiming = (current: JobView) => {
      const eta =
        current.etaSeconds !== null && !TERMINAL_STATUSES.has(current.status)
          ? ` · ETA ${Math.round(current.etaSeconds)} s`
          : "";
      timing.textContent = `created ${when(current.createdAt)} · started ${when(current.startedAt)} · finished ${when(current.finishedAt)}${eta}`;
    };
    const showError = (current: JobView) => {
      notice.replaceChildren(
        current.error === null
          ? ""
          : h("p", { class: "error" }, `${current.error.code}: ${current.error.message}`),
      );
    };
    // A cancel stays asked for until the job stops (the POST answers before the worker does).
    let cancelling = job.cancelRequested;
    let currentStatus = job.status;
    const setStatus = (status: JobView["status"]) => {
      currentStatus = status;
      setStatusBadge(badge, status);
      const terminal = TERMINAL_STATUSES.has(status);
      cancel.disabled = terminal || cancelling;
      cancel.textContent = cancelling && !terminal ? "Cancelling…" : "Cancel";
    };
    main.replaceChildren(
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          {},
          h("h1", {}, job.name ?? "Job"),
          h("div", { class: "mono muted small" }, job.id),
        ),
        h("div", { class: "head-status" }, badge, progress.element),
        h(
          "div",
          { class: "actions" },
          actionLink(`/jobs/new?from=${encodeURIComponent(job.id)}`, "Clone", "clone"),
          csv,
          cancel,
        ),
      ),
      h(
        "p",
        { class: "small" },
        `${job.spec.dataset.name} on ${job.spec.backend.name} · feedback ${job.spec.feedback.mode}`,
        job.spec.feedback.mode === "off" ? "" : ` (α = ${job.spec.feedback.alpha ?? "?"})`,
        job.tags.length > 0 ? ` · tags: ${job.tags.join(", ")}` : "",
      ),
      timing,
      steering,
      notice,
      overlayRoot,
      epochsRoot,
      h(
        "details",
        { class: "panel spec" },
        h("summary", {}, "Spec"),
        h("pre", {}, JSON.stringify(job.spec, null, 2)),
      ),
      jobCircuitPanel(job.id, controller.signal),
    );
    setStatus(job.status);
    showTiming(job);
    steering.textContent = steeringText(job.summary);
    showError(job);
    const epochViews = new EpochViews(epochsRoot, job.spec.training.epochs);
    views = epochViews;

    cancel.addEventListener("click", () => {
      cancelling = true;
      setStatus(currentStatus);
      post<JobView>(`${path}/cancel`)
        .then((updated) => {
          // the stream may already have said more (e.g. cancelled) than this answer
          if (TERMINAL_STATUSES.has(updated.status)) setStatus(updated.status);
        })
        .catch((error: unknown) => {
          notice.replaceChildren(errorBox(error));
          cancelling = false;
          setStatus(currentStatus);
        });
    });
    csv.addEventListener("click", () => {
      download(`${path}/metrics?format=csv`, `${id}-metrics.csv`).catch((error: unknown) =>
        notice.replaceChildren(errorBox(error)),
      );
    });

    const refresh = () =>
      apiJson<JobView>(path, { signal: controller.signal })
        .then((current) => {
          setStatus(current.status);
          progress.set(current.progress.epoch, current.progress.epochs);
          showTiming(current);
          showError(current);
          steering.textContent = steeringText(current.summary);
        })
        .catch(() => {});

    stream = followEpochs({
      path,
      signal: controller.signal,
      lastEpoch: () => epochViews.lastEpoch,
      append: (record) => epochViews.append(record),
      onEvent: (event) => {
        if (event.type === "progress") {
          const done = event.step >= event.stepsPerEpoch ? event.epoch : event.epoch - 1;
          progress.set(
            done,
            event.epochs,
            event.step < event.stepsPerEpoch ? event.step / event.stepsPerEpoch : 0,
          );
          return;
        }
        setStatus(event.status);
        // the stream ends here: pick up the final record state (times, error)
        if (TERMINAL_STATUSES.has(event.status)) void refresh();
      },
      onError: (error) => notice.replaceChildren(errorBox(error)),
    });
    overlay = new RunOverlay(overlayRoot, job, epochViews, controller.signal);
  };

  apiJson<JobView>(path, { signal: controller.signal })
    .then(open)
    .catch((error: unknown) => {
      if (controller.signal.aborted) return;
      main.replaceChildren(
        ...loadFailure(error, `No job ${id}.`, { href: "/", label: "All jobs" }),
      );
    });

  return {
    get epochs() {
      return views;
    },
    dispose() {
      controller.abort();
      stream?.stop();
      overlay?.dispose();
      views?.dispose();
    },
  };
}
