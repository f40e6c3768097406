/**
 * Client-side routes (the server answers each with index.html): `/` job list, `/jobs/:id`,
 * `/experiments`, `/experiments/:id`, and the editors `/jobs/new`, `/experiments/new`
 * (`?from=<id>` clones). Links marked `data-link` navigate without a reload.
 * The current page is exposed as `window.qplaneDashboard.page` for the browser test and the
 * bench (it holds nothing secret).
 */
import { promptForKey } from "./api.js";
import { h, mount } from "./dom.js";
import { experimentPage } from "./pages/experiment.js";
import { experimentListPage } from "./pages/experiment-list.js";
import { jobPage } from "./pages/job.js";
import { jobListPage } from "./pages/job-list.js";
import { newExperimentPage } from "./pages/new-experiment.js";
import { newJobPage } from "./pages/new-job.js";

export interface Page {
  dispose(): void;
}

declare global {
  interface Window {
    qplaneDashboard?: { page: Page | null };
  }
}

type Route = readonly [RegExp, (match: RegExpMatchArray) => Page];

/** `?from=<id>` of an editor's URL: what to clone. */
const cloneSource = () => new URLSearchParams(location.search).get("from");

const ROUTES: readonly Route[] = [
  [/^\/$/, () => jobListPage()],
  [/^\/jobs\/new$/, () => newJobPage(cloneSource())],
  [/^\/experiments\/new$/, () => newExperimentPage(cloneSource())],
  [/^\/jobs\/([^/]+)$/, (match) => jobPage(decodeURIComponent(match[1]!))],
  [/^\/experiments\/?$/, () => experimentListPage()],
  [/^\/experiments\/([^/]+)$/, (match) => experimentPage(decodeURIComponent(match[1]!))],
];

let current: Page | null = null;

function render(): void {
  current?.dispose();
  current = null;
  const path = location.pathname;
  for (const [pattern, page] of ROUTES) {
    const match = path.match(pattern);
    if (match) {
      current = page(match);
      break;
    }
  }
  if (current === null) {
    mount(
      h("p", { class: "error" }, `No page at ${path}.`),
      h("a", { href: "/", "data-link": true }, "Jobs"),
    );
  }
  window.qplaneDashboard = { page: current };
  for (const link of document.querySelectorAll<HTMLAnchorElement>("header nav a")) {
    const active =
      link.pathname === "/"
        ? path === "/" || path.startsWith("/jobs")
        : path.startsWith(link.pathname);
    link.classList.toggle("active", active);
  }
}

export function navigate(path: string): void {
  history.pushState(null, "", path);
  render();
}

export function startRouter(): void {
  document.addEventListener("click", (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey
    )
      return;
    const link = (event.target as Element | null)?.closest?.(
      "a[data-link]",
    ) as HTMLAnchorElement | null;
    if (!link || link.origin !== location.origin) return;
    event.preventDefault();
    if (link.pathname + link.search !== location.pathname + location.search) {
      navigate(link.pathname + link.search);
    }
  });
  window.addEventListener("popstate", render);
  document.getElementById("key-button")?.addEventListener("click", () => {
    // a new key applies to everything: reload the page's data with it
    void promptForKey("Enter the API key to use in this tab.").then(render);
  });
  render();
}
