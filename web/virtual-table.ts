/**
 * A table that renders only the rows in view (plus a margin), however many it holds: 2,000
 * epochs would otherwise make every append re-lay out 26,000 cells. Rows have a fixed height;
 * two spacer rows stand in for the rows above and below the window. Pushing a row only stores
 * it; the window is refreshed once per animation frame (or on `flush()`). While scrolled to
 * the bottom the table follows new rows.
 */
import { h } from "./dom.js";
import { FrameBatcher } from "./frame.js";

export interface TableColumn<T> {
  /** Written as each cell's `data-field`. */
  readonly field: string;
  readonly title: string;
  readonly text: (item: T) => string;
}

const ROW_HEIGHT = 26;
/** Rows rendered beyond the visible ones on each side. */
const OVERSCAN = 12;

export class VirtualTable<T> {
  readonly element: HTMLElement;
  private readonly items: T[] = [];
  private readonly tbody: HTMLTableSectionElement;
  private readonly above: HTMLTableCellElement;
  private readonly below: HTMLTableCellElement;
  /** The rendered window: rows[k] shows items[start + k]. */
  private rows: HTMLTableRowElement[] = [];
  private start = 0;
  private end = 0;
  private readonly frames = new FrameBatcher(() => this.refresh());
  /** Scrolled to the bottom (kept by the scroll listener, so pushing never reads layout). */
  private following = true;

  constructor(
    private readonly columns: readonly TableColumn<T>[],
    attributes: Record<string, string>,
    private readonly key: (item: T) => string,
  ) {
    this.above = h("td", { colspan: columns.length, class: "spacer" });
    this.below = h("td", { colspan: columns.length, class: "spacer" });
    this.tbody = h(
      "tbody",
      {},
      h("tr", { "aria-hidden": "true" }, this.above),
      h("tr", { "aria-hidden": "true" }, this.below),
    );
    this.element = h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { ...attributes, class: `virtual ${attributes.class ?? ""}`.trim() },
        h(
          "thead",
          {},
          h("tr", {}, ...columns.map((c) => h("th", { "data-field": c.field }, c.title))),
        ),
        this.tbody,
      ),
    );
    this.element.addEventListener("scroll", () => {
      const view = this.element;
      this.following = view.scrollHeight - view.scrollTop - view.clientHeight < ROW_HEIGHT;
      this.frames.request();
    });
  }

  push(item: T): void {
    this.items.push(item);
    this.frames.request();
  }

  /** Refreshes the window now rather than at the next frame. */
  flush(): void {
    this.frames.flush();
  }

  /** Re-renders the window: ending at the newest row while following, else where scrolled. */
  private refresh(): void {
    if (this.following) {
      this.render(this.items.length - 1);
      // a write only: the browser clamps it at the next layout
      this.element.scrollTop = this.items.length * ROW_HEIGHT;
    } else {
      this.render();
    }
  }

  dispose(): void {
    this.frames.cancel();
  }

  /** Renders the window around the scroll position (or ending at row `last`). */
  private render(last?: number): void {
    const visible = Math.ceil((this.element.clientHeight || 420) / ROW_HEIGHT);
    const total = this.items.length;
    const first =
      last === undefined
        ? Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN
        : last + 1 - visible - OVERSCAN;
    const start = Math.max(0, Math.min(first, total - 1));
    const end = Math.min(total, start + visible + 2 * OVERSCAN);
    // Rows still in the window keep their element and text; only the others are refilled (a
    // window moved by one row while following costs one row's cells, not the window's).
    const rows: HTMLTableRowElement[] = [];
    const spare: HTMLTableRowElement[] = [];
    for (let i = this.start; i < this.end; i++) {
      const row = this.rows[i - this.start]!;
      if (i < start || i >= end) {
        row.remove();
        spare.push(row);
      }
    }
    for (let i = start; i < end; i++) {
      const kept = i >= this.start && i < this.end;
      const row = kept ? this.rows[i - this.start]! : (spare.pop() ?? this.newRow());
      if (!kept) this.fill(row, this.items[i]!);
      rows.push(row);
    }
    // kept rows are contiguous and in order: insert the new ones around them
    let cursor: ChildNode | null = this.above.parentElement!.nextSibling;
    for (const row of rows) {
      if (cursor === row) cursor = cursor.nextSibling;
      else this.tbody.insertBefore(row, cursor);
    }
    this.rows = rows;
    this.start = start;
    this.end = end;
    this.above.style.height = `${start * ROW_HEIGHT}px`;
    this.below.style.height = `${(total - end) * ROW_HEIGHT}px`;
  }

  private newRow(): HTMLTableRowElement {
    const tr = document.createElement("tr");
    tr.style.height = `${ROW_HEIGHT}px`;
    for (const column of this.columns) {
      const td = document.createElement("td");
      td.dataset.field = column.field;
      tr.append(td);
    }
    return tr;
  }

  private fill(tr: HTMLTableRowElement, item: T): void {
    tr.dataset.key = this.key(item);
    const cells = tr.children;
    for (let c = 0; c < this.columns.length; c++)
      cells[c]!.textContent = this.columns[c]!.text(item);
  }
}
