/**
 * Coalesces redraw requests into one animation frame: however many appends arrive between two
 * frames, `draw` runs once, so a burst of SSE events costs pushes and a single redraw.
 */
export class FrameBatcher {
  /** The pending requestAnimationFrame id, 0 when none is pending. */
  private frame = 0;

  constructor(private readonly draw: () => void) {}

  /** Draws at the next animation frame (once, however often requested before it). */
  request(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Draws now, instead of at the next frame. */
  flush(): void {
    this.cancel();
    this.draw();
  }

  /** Drops a pending draw (when the view is disposed). */
  cancel(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
