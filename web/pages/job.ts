/**
 * One job: header (status, progress, clone, cancel, CSV), the live epoch views, the spec and
 * its circuit.
 *
 * Live updates: the event stream is opened first; once it is open the metrics so far are
 * fetched (`?sinceEpoch=` the last shown), so no epoch falls between the two. Metric events
 * for epochs already shown are ignored; one that skips ahead triggers the same catch-up.
 */
import { apiJson, download, post } from "../api.js";
import { errorBox, h, mount } from "../dom.js";
import { significant, when } from "../format.js";
import { liveStream } from "../live.js";
import type { Page } from "../router.js";
import {
  type EpochRecord,
  type JobEvent,
  type JobView,
  type RunSummaryView,
  TERMINAL_STATUSES,
} from "../types.js";
import { actionLink, loadFailure, ProgressBar, setStatusBadge, statusBadge } from "../widgets.js";
import { jobCircuitPanel } from "./job-circuit.js";
import { EpochViews } from "./job-epochs.js";

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
    views = new EpochViews(epochsRoot, job.spec.training.epochs);

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

    /** Fetches the epochs after the last shown; one at a time, events wait in `pending`. */
    let catchingUp: Promise<void> | null = null;
    const pending: EpochRecord[] = [];
    const catchUp = (): Promise<void> => {
      catchingUp ??= (async () => {
        try {
          const since = views!.lastEpoch;
          const { metrics } = await apiJson<{ metrics: EpochRecord[] }>(
            `${path}/metrics?sinceEpoch=${since}`,
            {
              signal: controller.signal,
            },
          );
          for (const record of metrics) if (record.epoch > views!.lastEpoch) views!.append(record);
        } finally {
          catchingUp = null;
        }
        const held = pending.splice(0);
        for (const record of held) addRecord(record);
      })().catch((error: unknown) => {
        if (!controller.signal.aborted) notice.replaceChildren(errorBox(error));
      });
      return catchingUp;
    };
    const addRecord = (record: EpochRecord) => {
      if (catchingUp !== null) {
        pending.push(record);
        return;
      }
      const last = views!.lastEpoch;
      if (record.epoch <= last) return;
      if (record.epoch === last + 1) views!.append(record);
      else void catchUp();
    };
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

    stream = liveStream<JobEvent>({
      path: `${path}/events`,
      onOpen: () => void catchUp(),
      onEvent: (event) => {
        if (event.type === "metric") {
          addRecord(event.record);
          return undefined;
        }
        if (event.type === "progress") {
          const done = event.step >= event.stepsPerEpoch ? event.epoch : event.epoch - 1;
          progress.set(
            done,
            event.epochs,
            event.step < event.stepsPerEpoch ? event.step / event.stepsPerEpoch : 0,
          );
          return undefined;
        }
        setStatus(event.status);
        if (!TERMINAL_STATUSES.has(event.status)) return undefined;
        // the stream ends here: pick up the final record state (times, error, last epochs)
        void refresh();
        void catchUp();
        return "done";
      },
      onError: (error) => notice.replaceChildren(errorBox(error)),
    });
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
      views?.dispose();
    },
  };
}
