/**
 * The values an information-plane chart draws, as a table: a canvas says nothing to a screen
 * reader, and tests read the chart's own arrays here rather than pixels. Collapsed by default;
 * rows are only built while it is open (a closed table costs nothing per frame).
 */
import { h } from "../dom.js";
import { fixed } from "../format.js";

/** One trajectory's drawn points (column arrays, epoch order). */
export interface TrackValues {
  readonly label: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly epochs: readonly number[];
}

export class InfoPlaneValues {
  private readonly details: HTMLDetailsElement;
  private readonly body: HTMLTableSectionElement;

  constructor(
    parent: HTMLElement,
    private readonly tracks: readonly TrackValues[],
  ) {
    this.body = h("tbody");
    this.details = h(
      "details",
      { class: "plane-values" },
      h("summary", { class: "small muted" }, "Values"),
      h(
        "table",
        { "data-table": "infoplane-values" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "run"),
            h("th", {}, "epoch"),
            h("th", {}, "I(X;T) [bits]"),
            h("th", {}, "I(T;Y) [bits]"),
          ),
        ),
        this.body,
      ),
    );
    this.details.addEventListener("toggle", () => this.render());
    parent.append(this.details);
  }

  /** Rebuilds the rows from the tracks, if the table is open. */
  render(): void {
    if (!this.details.open) return;
    const rows: HTMLElement[] = [];
    for (const track of this.tracks) {
      for (let i = 0; i < track.xs.length; i++) {
        rows.push(
          h(
            "tr",
            {},
            h("td", {}, track.label),
            h("td", {}, String(track.epochs[i] ?? "")),
            h("td", {}, fixed(track.xs[i])),
            h("td", {}, fixed(track.ys[i])),
          ),
        );
      }
    }
    this.body.replaceChildren(...rows);
  }
}
