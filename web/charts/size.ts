import type uPlot from "uplot";

/** Keeps a chart as wide as its container (one observer per chart, released on dispose). */
export function fitWidth(plot: uPlot, container: HTMLElement, height: number): () => void {
  let width = 0;
  const observer = new ResizeObserver((entries) => {
    const entry = entries[0];
    if (entry === undefined) return;
    const next = Math.floor(entry.contentRect.width);
    if (next > 0 && next !== width) {
      width = next;
      plot.setSize({ width, height });
    }
  });
  observer.observe(container);
  return () => observer.disconnect();
}

export function initialWidth(container: HTMLElement): number {
  return Math.max(240, Math.floor(container.getBoundingClientRect().width) || 480);
}
