/**
 * The job list: one row per job, updated in place from the all-jobs event stream
 * (GET /v1/events): an event touches only its job's row (status badge, progress bar or test
 * metric), and filtering toggles rows' `hidden` rather than rebuilding the table. A server
 * without the stream is polled instead.
 */
import { ApiError, apiJson } from "../api.js";
import { errorBox, h, mount } from "../dom.js";
import { when } from "../format.js";
import { liveStream } from "../live.js";
import type { Page } from "../router.js";
import { JOB_STATUSES, type JobEvent, type JobView } from "../types.js";
import {
  actionLink,
  ProgressBar,
  setStatusBadge,
  statusBadge,
  testMetricText,
} from "../widgets.js";

const PAGE_SIZE = 100;
const POLL_MS = 5_000;

interface Filter {
  status: string;
  backend: string;
  tag: string;
  text: string;
}

function matches(job: JobView, filter: Filter): boolean {
  if (filter.status !== "" && job.status !== filter.status) return false;
  if (filter.backend !== "" && job.spec.backend.name !== filter.backend) return false;
  if (filter.tag !== "" && !job.tags.includes(filter.tag)) return false;
  if (filter.text !== "") {
    const haystack = `${job.id} ${job.name ?? ""} ${job.spec.dataset.name} ${job.tags.join(" ")}`;
    if (!haystack.toLowerCase().includes(filter.text)) return false;
  }
  return true;
}

/** One table row and the cells an event can change. */
class JobRow {
  readonly tr: HTMLTableRowElement;
  private readonly badge: HTMLElement;
  private readonly progress = new ProgressBar();
  private readonly metric: HTMLTableCellElement;

  constructor(public job: JobView) {
    const link = h(
      "a",
      { href: `/jobs/${encodeURIComponent(job.id)}`, "data-link": true },
      job.name ?? job.id,
    );
    this.badge = statusBadge(job.status);
    this.metric = h("td", { class: "num", "data-field": "metric" });
    this.tr = h(
      "tr",
      { "data-job": job.id },
      h("td", {}, link, job.name === null ? null : h("div", { class: "muted small mono" }, job.id)),
      h("td", {}, this.badge),
      h("td", {}, this.progress.element),
      h("td", {}, job.spec.backend.name),
      h("td", {}, job.spec.dataset.name),
      h("td", {}, job.spec.feedback.mode),
      this.metric,
      h("td", { class: "small" }, job.tags.join(", ")),
      h("td", { class: "small muted" }, when(job.createdAt)),
    );
    this.render();
  }

  /** Rewrites this row's changing cells from `job`. */
  render(): void {
    setStatusBadge(this.badge, this.job.status);
    this.progress.set(this.job.progress.epoch, this.job.progress.epochs);
    this.metric.textContent = testMetricText(this.job.latest);
  }

  apply(event: JobEvent): void {
    if (event.type === "status") {
      this.job = { ...this.job, status: event.status };
      setStatusBadge(this.badge, event.status);
    } else if (event.type === "progress") {
      this.job = {
        ...this.job,
        progress: { epoch: Math.min(event.epoch, event.epochs), epochs: event.epochs },
      };
      const done = event.step >= event.stepsPerEpoch ? event.epoch : event.epoch - 1;
      this.progress.set(
        done,
        event.epochs,
        event.step < event.stepsPerEpoch ? event.step / event.stepsPerEpoch : 0,
      );
    } else {
      this.job = { ...this.job, latest: event.record };
      this.metric.textContent = testMetricText(event.record);
    }
  }
}

export interface JobListPage extends Page {
  /** Applies one all-jobs event (what the stream does); exposed for the bench. */
  applyEvent(event: JobEvent): void;
  /** Rebuilds every row from scratch: the baseline the bench compares `applyEvent` with. */
  rebuild(): void;
  readonly rows: number;
}

export function jobListPage(): JobListPage {
  const controller = new AbortController();
  const rows = new Map<string, JobRow>();
  const filter: Filter = { status: "", backend: "", tag: "", text: "" };
  const backends = new Set<string>();
  let nextCursor: string | null = null;
  let stream: { stop(): void } | null = null;
  let poll = 0;
  let opens = 0;

  const statusSelect = h(
    "select",
    { name: "status", "aria-label": "status" },
    h("option", { value: "" }, "any status"),
    ...JOB_STATUSES.map((status) => h("option", { value: status }, status)),
  );
  const backendSelect = h(
    "select",
    { name: "backend", "aria-label": "backend" },
    h("option", { value: "" }, "any backend"),
  );
  const tagInput = h("input", {
    type: "text",
    name: "tag",
    placeholder: "tag",
    "aria-label": "tag",
  });
  const textInput = h("input", {
    type: "search",
    name: "q",
    placeholder: "search name, id, dataset",
    "aria-label": "search",
  });
  const tbody = h("tbody");
  const summary = h("p", { class: "muted small" });
  const message = h("div");
  const more = h("button", { type: "button", class: "quiet", hidden: true }, "Load more");
  mount(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Jobs"),
      h("div", { class: "actions" }, actionLink("/jobs/new", "New job", "new")),
    ),
    h(
      "form",
      { class: "filters", role: "search" },
      statusSelect,
      backendSelect,
      tagInput,
      textInput,
    ),
    message,
    h(
      "table",
      { class: "jobs" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[
            "Job",
            "Status",
            "Progress",
            "Backend",
            "Dataset",
            "Feedback",
            "Test metric",
            "Tags",
            "Created",
          ].map((title) => h("th", {}, title)),
        ),
      ),
      tbody,
    ),
    summary,
    more,
  );

  const show = (row: JobRow) => {
    row.tr.hidden = !matches(row.job, filter);
  };
  const updateSummary = () => {
    let shown = 0;
    for (const row of rows.values()) if (!row.tr.hidden) shown++;
    summary.textContent = `${shown} of ${rows.size} loaded jobs shown`;
  };
  const noteBackend = (name: string) => {
    if (backends.has(name)) return;
    backends.add(name);
    backendSelect.append(h("option", { value: name }, name));
  };

  /** Adds or refreshes a job's row; new jobs go on top (the list is newest first). */
  const upsert = (job: JobView, position: "top" | "bottom") => {
    const existing = rows.get(job.id);
    if (existing) {
      existing.job = job;
      existing.render();
      show(existing);
      return;
    }
    const row = new JobRow(job);
    rows.set(job.id, row);
    noteBackend(job.spec.backend.name);
    show(row);
    if (position === "top") tbody.prepend(row.tr);
    else tbody.append(row.tr);
  };

  const loadPage = async (cursor: string | null) => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor !== null) query.set("cursor", cursor);
    const page = await apiJson<{ jobs: JobView[]; nextCursor: string | null }>(
      `/v1/jobs?${query}`,
      {
        signal: controller.signal,
      },
    );
    if (cursor === null && rows.size > 0) {
      // a refresh: jobs not seen yet are newer than every row, and the page is newest first
      for (let i = page.jobs.length - 1; i >= 0; i--) upsert(page.jobs[i]!, "top");
    } else {
      for (const job of page.jobs) upsert(job, "bottom");
    }
    return page.nextCursor;
  };

  /** Jobs the stream mentions before their row exists are fetched once. */
  const fetching = new Set<string>();
  const applyEvent = (event: JobEvent) => {
    const id = event.jobId;
    if (id === undefined) return;
    const row = rows.get(id);
    if (row) {
      row.apply(event);
      show(row);
      if (event.type === "status") updateSummary();
      return;
    }
    if (fetching.has(id)) return;
    fetching.add(id);
    apiJson<JobView>(`/v1/jobs/${encodeURIComponent(id)}`, { signal: controller.signal })
      .then((job) => {
        upsert(job, "top");
        updateSummary();
      })
      .catch(() => {})
      .finally(() => fetching.delete(id));
  };

  const rebuild = () => {
    tbody.replaceChildren();
    const jobs = [...rows.values()].map((row) => row.job);
    rows.clear();
    for (const job of jobs) upsert(job, "bottom");
    updateSummary();
  };

  const startPolling = () => {
    message.replaceChildren(
      h(
        "p",
        { class: "muted small" },
        "This server has no live event stream; refreshing every 5 s.",
      ),
    );
    poll = window.setInterval(() => {
      loadPage(null)
        .then(updateSummary)
        .catch(() => {});
    }, POLL_MS);
  };

  const onFilter = () => {
    filter.status = statusSelect.value;
    filter.backend = backendSelect.value;
    filter.tag = tagInput.value.trim();
    filter.text = textInput.value.trim().toLowerCase();
    for (const row of rows.values()) show(row);
    updateSummary();
  };
  for (const control of [statusSelect, backendSelect, tagInput, textInput])
    control.addEventListener("input", onFilter);
  more.addEventListener("click", () => {
    loadPage(nextCursor)
      .then((cursor) => {
        nextCursor = cursor;
        more.hidden = cursor === null;
        updateSummary();
      })
      .catch((error: unknown) => message.replaceChildren(errorBox(error)));
  });

  loadPage(null)
    .then((cursor) => {
      nextCursor = cursor;
      more.hidden = cursor === null;
      updateSummary();
      if (controller.signal.aborted) return;
      stream = liveStream<JobEvent>({
        path: "/v1/events",
        onEvent: (event) => {
          applyEvent(event);
          return undefined;
        },
        // after a reconnect, what changed meanwhile is in the first page
        onOpen: () => {
          if (opens++ > 0) void loadPage(null).then(updateSummary, () => {});
        },
        onMissing: startPolling,
      });
    })
    .catch((error: unknown) => {
      if (!(error instanceof ApiError) && controller.signal.aborted) return;
      message.replaceChildren(errorBox(error));
    });

  return {
    applyEvent,
    rebuild,
    get rows() {
      return rows.size;
    },
    dispose() {
      controller.abort();
      stream?.stop();
      window.clearInterval(poll);
    },
  };
}
