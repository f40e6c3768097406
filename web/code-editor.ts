/**
 * A plain-text editor that can mark lines: a <textarea> over a backdrop that repeats its text
 * line by line (invisibly) with line numbers, a highlight on marked lines and each line's
 * messages after its text. The textarea keeps native editing, undo and accessibility; the
 * messages are also listed under the editor (the list the textarea is described by), so a
 * screen reader hears them and a click on one moves the cursor to its line.
 */
import { h } from "./dom.js";
import type { SpecIssue } from "./spec-locate.js";

let editors = 0;

export class CodeEditor {
  readonly element: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly backdrop: HTMLElement;
  private readonly list: HTMLUListElement;
  private issues: readonly SpecIssue[] = [];
  /** Each backdrop line's text and marks as last drawn (what `render` compares against). */
  private drawn: string[] = [];

  constructor(label: string, onInput: () => void) {
    const listId = `editor-issues-${++editors}`;
    this.textarea = h("textarea", {
      class: "editor-input mono",
      spellcheck: "false",
      wrap: "off",
      autocapitalize: "off",
      autocomplete: "off",
      "aria-label": label,
      "aria-describedby": listId,
      rows: 24,
    });
    this.backdrop = h("div", { class: "editor-backdrop mono", "aria-hidden": "true" });
    this.list = h("ul", {
      id: listId,
      class: "editor-issues",
      "aria-live": "polite",
      "data-role": "issues",
    });
    this.element = h(
      "div",
      { class: "code-editor" },
      h("div", { class: "editor-frame" }, this.backdrop, this.textarea),
      this.list,
    );
    this.textarea.addEventListener("input", () => {
      this.render();
      onInput();
    });
    this.textarea.addEventListener("scroll", () => {
      this.backdrop.scrollTop = this.textarea.scrollTop;
      this.backdrop.scrollLeft = this.textarea.scrollLeft;
    });
    this.list.addEventListener("click", (event) => {
      // the "Line n" button (keyboard and mouse alike) moves the cursor to that line
      const item = (event.target as Element).closest<HTMLElement>("li[data-line]");
      if (item) this.focusLine(Number(item.dataset.line));
    });
  }

  get text(): string {
    return this.textarea.value;
  }

  set text(value: string) {
    this.textarea.value = value;
    this.render();
  }

  /** Shows `issues`: at their lines (clamped to the text) and in the list; [] clears. */
  mark(issues: readonly SpecIssue[]): void {
    this.issues = issues;
    this.textarea.setAttribute("aria-invalid", String(issues.length > 0));
    this.list.replaceChildren(
      ...issues.map((issue) => {
        const line = this.clamp(issue.line);
        return h(
          "li",
          { class: "error", "data-line": line },
          line === null
            ? ""
            : h("button", { type: "button", class: "issue-line link" }, `Line ${line}`),
          line === null ? "" : ": ",
          h("span", { class: "issue-message" }, issue.message),
        );
      }),
    );
    this.render();
  }

  private clamp(line: number | null): number | null {
    if (line === null) return null;
    return Math.min(Math.max(1, line), this.textarea.value.split("\n").length);
  }

  /**
   * Redraws the backdrop's lines that changed: those between the unchanged first and last
   * lines (a keystroke changes one line; a pasted block, a few), so a long program costs no
   * more per keystroke than a short one. Line numbers are a CSS counter; a marked line also
   * carries its number as `data-line`, so a mark is redrawn when its line moves.
   */
  private render(): void {
    const byLine = new Map<number, string[]>();
    for (const issue of this.issues) {
      const line = this.clamp(issue.line);
      if (line === null) continue;
      byLine.set(line, [...(byLine.get(line) ?? []), issue.message]);
    }
    const lines = this.textarea.value.split("\n").map((text, index) => {
      const messages = byLine.get(index + 1) ?? [];
      return {
        text,
        messages,
        key: messages.length === 0 ? text : `${index}\0${text}\0${messages.join("\0")}`,
      };
    });
    const old = this.drawn;
    let start = 0;
    while (start < old.length && start < lines.length && old[start] === lines[start]?.key) start++;
    let end = 0;
    while (
      end < old.length - start &&
      end < lines.length - start &&
      old[old.length - 1 - end] === lines[lines.length - 1 - end]?.key
    )
      end++;
    const children = this.backdrop.children;
    for (let i = old.length - end - 1; i >= start; i--) children[i]?.remove();
    const before = children[start] ?? null;
    const fresh = lines
      .slice(start, lines.length - end)
      .map(({ text, messages }, offset) =>
        h(
          "div",
          messages.length > 0
            ? { class: "editor-line marked", "data-line": start + offset + 1 }
            : { class: "editor-line" },
          h("span", { class: "line-text" }, text),
          ...messages.map((message) => h("span", { class: "line-message" }, message)),
        ),
      );
    for (const line of fresh) this.backdrop.insertBefore(line, before);
    this.drawn = lines.map((line) => line.key);
    this.backdrop.scrollTop = this.textarea.scrollTop;
  }

  private focusLine(line: number): void {
    const lines = this.textarea.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
    this.textarea.focus();
    this.textarea.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  }
}
