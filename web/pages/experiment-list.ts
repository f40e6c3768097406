/** Experiments, newest first, with their children's status counts (refreshed every 5 s). */
import { ApiError, apiJson } from "../api.js";
import { errorBox, h, mount } from "../dom.js";
import { when } from "../format.js";
import type { Page } from "../router.js";
import { type ExperimentSummary, JOB_STATUSES, TERMINAL_STATUSES } from "../types.js";
import { actionLink, statusBadge } from "../widgets.js";

const REFRESH_MS = 5_000;

export function experimentListPage(): Page {
  const controller = new AbortController();
  const tbody = h("tbody");
  const message = h("div");
  const more = h("button", { type: "button", class: "quiet", hidden: true }, "Load more");
  mount(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Experiments"),
      h("div", { class: "actions" }, actionLink("/experiments/new", "New experiment", "new")),
    ),
    message,
    h(
      "table",
      { class: "experiments" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Experiment", "Status", "Arms", "Jobs (done / all)", ...JOB_STATUSES, "Created"].map(
            (t) => h("th", {}, t),
          ),
        ),
      ),
      tbody,
    ),
    more,
  );
  let timer = 0;
  let cursor: string | null = null;

  const row = (experiment: ExperimentSummary) => {
    const total = JOB_STATUSES.reduce((sum, status) => sum + (experiment.counts[status] ?? 0), 0);
    const finished = JOB_STATUSES.filter((s) => TERMINAL_STATUSES.has(s)).reduce(
      (sum, status) => sum + (experiment.counts[status] ?? 0),
      0,
    );
    return h(
      "tr",
      { "data-experiment": experiment.id },
      h(
        "td",
        {},
        h(
          "a",
          { href: `/experiments/${encodeURIComponent(experiment.id)}`, "data-link": true },
          experiment.name ?? experiment.id,
        ),
        experiment.name === null ? null : h("div", { class: "muted small mono" }, experiment.id),
      ),
      h("td", {}, statusBadge(experiment.status)),
      h("td", { class: "num" }, String(experiment.arms.length)),
      h("td", { class: "num" }, `${finished} / ${total}`),
      ...JOB_STATUSES.map((status) =>
        h("td", { class: "num" }, String(experiment.counts[status] ?? 0)),
      ),
      h("td", { class: "small muted" }, when(experiment.createdAt)),
    );
  };

  const load = async (append: boolean) => {
    const query = new URLSearchParams({ limit: "50" });
    if (append && cursor !== null) query.set("cursor", cursor);
    const page = await apiJson<{ experiments: ExperimentSummary[]; nextCursor: string | null }>(
      `/v1/experiments?${query}`,
      { signal: controller.signal },
    );
    const rows = page.experiments.map(row);
    if (append) tbody.append(...rows);
    else tbody.replaceChildren(...rows);
    if (!append || cursor !== null) {
      cursor = page.nextCursor;
      more.hidden = cursor === null;
    }
    if (tbody.childElementCount === 0)
      message.replaceChildren(h("p", { class: "muted" }, "No experiments yet."));
    else message.replaceChildren();
  };
  const fail = (error: unknown) => {
    if (controller.signal.aborted) return;
    message.replaceChildren(
      error instanceof ApiError && error.status === 404
        ? h("p", { class: "error" }, "This server has no experiments API.")
        : errorBox(error),
    );
    window.clearInterval(timer);
  };
  more.addEventListener("click", () => void load(true).catch(fail));
  load(false)
    .then(() => {
      // only the first page refreshes; pages loaded with "Load more" are left as they are
      timer = window.setInterval(() => {
        if (more.hidden) void load(false).catch(fail);
      }, REFRESH_MS);
    })
    .catch(fail);
  return {
    dispose() {
      controller.abort();
      window.clearInterval(timer);
    },
  };
}
