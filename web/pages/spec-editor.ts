/**
 * The page behind New job and New experiment: a spec editor (YAML or JSON: the body of the
 * collection's POST), checked by a dry run while typing (debounced) or on Check, the server's
 * refusals shown at the lines of the fields they name, the plan shown once the text is clean.
 * Submit is enabled only for the text that passed the check, and sends an Idempotency-Key
 * made at that check: a double click or a retry after a lost answer creates one job, not two.
 */
import { ApiError, postJson } from "../api.js";
import { CodeEditor } from "../code-editor.js";
import { h, mount } from "../dom.js";
import { navigate, type Page } from "../router.js";
import { issuesOf, parseSpecText, type SpecIssue } from "../spec-locate.js";
import type { SpecTemplate } from "../spec-templates.js";

/** Quiet time after the last keystroke before the text is checked. */
const CHECK_DELAY_MS = 700;

export type CheckOutcome =
  | { readonly plan: HTMLElement }
  | { readonly issues: readonly SpecIssue[] };

export interface SpecEditorOptions {
  readonly title: string;
  /** The collection submitted to (`/v1/jobs`); its answer carries the new `id`. */
  readonly submitPath: string;
  /** The dashboard page of what was created. */
  readonly pageOf: (id: string) => string;
  /** What the API's messages call the body's root: `spec` for a job, "" for an experiment. */
  readonly prefix: string;
  readonly templates: readonly SpecTemplate[];
  /** The text to start from instead of the first template (a clone). */
  readonly initial?: () => Promise<string>;
  /** Dry-runs a parsed body: its plan, or the problems at their lines. */
  readonly check: (body: object, text: string, signal: AbortSignal) => Promise<CheckOutcome>;
}

/** What an API failure says, at the fields it names (`rename` maps a path first). */
export function issuesOfError(
  error: unknown,
  text: string,
  prefix: string,
  rename?: (path: string) => string,
): SpecIssue[] {
  if (error instanceof ApiError) return issuesOf(text, error.message, prefix, rename);
  return [
    { line: null, path: "", message: error instanceof Error ? error.message : String(error) },
  ];
}

/** 128 random bits as hex (crypto.randomUUID needs a secure context; this does not). */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dashboard-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export function specEditorPage(options: SpecEditorOptions): Page {
  const controller = new AbortController();
  let timer = 0;
  /** Bumped by every check and edit: an answer for an older text is dropped. */
  let generation = 0;
  /** The text that passed the last check, its body and the key its submission will carry. */
  let checked: { text: string; body: object; key: string } | null = null;

  const editor = new CodeEditor(`${options.title} spec (YAML or JSON)`, () => edited());
  const status = h("p", { class: "small", "data-role": "check-status", role: "status" });
  const plan = h("section", { class: "panel plan", "data-panel": "plan" }, h("h2", {}, "Plan"));
  const planBody = h("div", {}, h("p", { class: "muted" }, "Check the spec to see its plan."));
  plan.append(planBody);
  const checkButton = h("button", { type: "button", "data-action": "check" }, "Check");
  const submit = h(
    "button",
    { type: "button", class: "primary", "data-action": "submit", disabled: true },
    "Submit",
  );
  const template = h(
    "select",
    { name: "template", "aria-label": "Start from a template" },
    h("option", { value: "" }, "Start from a template…"),
    ...options.templates.map((t) => h("option", { value: t.id }, t.label)),
  );

  mount(
    h("div", { class: "page-head" }, h("h1", {}, options.title)),
    h(
      "p",
      { class: "muted small" },
      `The body of POST ${options.submitPath}, as YAML or JSON. It is checked by a dry run as you type; Submit sends the checked text.`,
    ),
    h("div", { class: "editor-toolbar" }, template, checkButton, submit),
    status,
    h("div", { class: "editor-grid" }, editor.element, plan),
  );

  const setStatus = (text: string, tone: "" | "error" | "ok" = "") => {
    status.textContent = text;
    status.className = `small ${tone}`;
  };

  const edited = () => {
    generation++;
    checked = null;
    submit.disabled = true;
    planBody.classList.add("stale");
    setStatus("Edited: checking…");
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void check(), CHECK_DELAY_MS);
  };

  const showIssues = (issues: readonly SpecIssue[]) => {
    editor.mark(issues);
    setStatus(
      issues.length === 1
        ? "1 problem: fix it to submit."
        : `${issues.length} problems: fix them to submit.`,
      "error",
    );
    planBody.replaceChildren(h("p", { class: "muted" }, "No plan: the spec has problems."));
  };

  const check = async () => {
    window.clearTimeout(timer);
    const mine = ++generation;
    const text = editor.text;
    checked = null;
    submit.disabled = true;
    const parsed = parseSpecText(text);
    if (!parsed.ok) {
      showIssues(parsed.issues);
      return;
    }
    setStatus("Checking…");
    let outcome: CheckOutcome;
    try {
      outcome = await options.check(parsed.value as object, text, controller.signal);
    } catch (error) {
      outcome = { issues: issuesOfError(error, text, options.prefix) };
    }
    if (mine !== generation || controller.signal.aborted) return;
    if ("issues" in outcome) {
      showIssues(outcome.issues);
      return;
    }
    editor.mark([]);
    planBody.classList.remove("stale");
    planBody.replaceChildren(outcome.plan);
    checked = { text, body: parsed.value as object, key: newIdempotencyKey() };
    submit.disabled = false;
    setStatus("Checked: ready to submit.", "ok");
  };

  checkButton.addEventListener("click", () => void check());
  template.addEventListener("change", () => {
    const chosen = options.templates.find((t) => t.id === template.value);
    if (chosen === undefined) return;
    editor.text = chosen.text;
    template.value = "";
    edited();
  });
  submit.addEventListener("click", () => {
    const submission = checked;
    if (submission === null || submission.text !== editor.text) return;
    submit.disabled = true;
    setStatus("Submitting…");
    postJson<{ id: string }>(options.submitPath, submission.body, {
      headers: { "idempotency-key": submission.key },
      signal: controller.signal,
    })
      .then((created) => navigate(options.pageOf(created.id)))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status < 500) {
          checked = null;
          showIssues(issuesOfError(error, submission.text, options.prefix));
          return;
        }
        // the job may exist (the answer was lost): a retry with the same key cannot duplicate it
        submit.disabled = checked !== submission;
        setStatus(
          `Not submitted: ${error instanceof Error ? error.message : String(error)}`,
          "error",
        );
      });
  });

  const start = async () => {
    const first = options.templates[0]?.text ?? "";
    if (options.initial === undefined) {
      editor.text = first;
    } else {
      setStatus("Loading…");
      try {
        editor.text = await options.initial();
      } catch (error) {
        if (controller.signal.aborted) return;
        editor.text = "";
        editor.mark(issuesOfError(error, "", options.prefix));
        setStatus("Could not load the spec to clone.", "error");
        return;
      }
    }
    if (!controller.signal.aborted) await check();
  };
  void start();

  return {
    dispose() {
      controller.abort();
      window.clearTimeout(timer);
    },
  };
}
