/** Small pieces shared by the pages: status badge, progress bar, test-metric text, load failure. */
import { ApiError } from "./api.js";
import { errorBox, h } from "./dom.js";
import { fixed, percent } from "./format.js";
import type { EpochRecord, JobStatus } from "./types.js";

export function statusBadge(status: JobStatus): HTMLElement {
  return h("span", { class: `badge status-${status}` }, status);
}

export function setStatusBadge(badge: HTMLElement, status: JobStatus): void {
  badge.className = `badge status-${status}`;
  badge.textContent = status;
}

/** A <progress> plus its "e / E" label, updated in place. */
export class ProgressBar {
  readonly element: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly label: HTMLElement;

  constructor() {
    this.bar = h("progress", { max: 1, value: 0 });
    this.label = h("span", { class: "progress-label" });
    this.element = h("span", { class: "progress" }, this.bar, this.label);
  }

  /** `done` epochs of `epochs`, plus a fraction of the running epoch's steps. */
  set(done: number, epochs: number, stepFraction = 0): void {
    const fraction = epochs > 0 ? Math.min(1, (done + stepFraction) / epochs) : 0;
    this.bar.value = fraction;
    this.label.textContent = `${done} / ${epochs}`;
  }
}

/** The final test metric of a record: accuracy for classification, R² (or MSE) for regression. */
export function testMetricText(record: EpochRecord | null): string {
  if (record === null) return "–";
  if (record.testAccuracy !== undefined) return `acc ${percent(record.testAccuracy)}`;
  if (record.testR2 !== undefined && record.testR2 !== null) return `R² ${fixed(record.testR2, 3)}`;
  if (record.testMse !== undefined) return `MSE ${fixed(record.testMse)}`;
  return "–";
}

/**
 * What a detail page shows when it could not load: `notFound` when the API answered 404 (an
 * unknown or removed id), the error otherwise; then the link back to its list.
 */
export function loadFailure(
  error: unknown,
  notFound: string,
  back: { readonly href: string; readonly label: string },
): HTMLElement[] {
  return [
    error instanceof ApiError && error.status === 404
      ? h("p", { class: "error" }, notFound)
      : errorBox(error),
    h("a", { href: back.href, "data-link": true }, back.label),
  ];
}

/** A link styled as a button that navigates within the dashboard (New job, Clone). */
export function actionLink(href: string, label: string, action: string): HTMLAnchorElement {
  return h("a", { class: "button", href, "data-link": true, "data-action": action }, label);
}
