/** Number and time formatting shared by the pages (one place, so tables agree with charts). */

/** A metric value to 4 decimals; "–" for missing or non-finite. */
export function fixed(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? "–"
    : value.toFixed(digits);
}

/** Small or large values (learning rates, penalties) in 4 significant digits. */
export function significant(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e5
    ? value.toPrecision(4)
    : value.toExponential(3);
}

export function integer(value: number): string {
  return value.toLocaleString("en-US");
}

export function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

export function percent(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction)
    ? "–"
    : `${(fraction * 100).toFixed(1)}%`;
}

export function meanStd(mean: number | null, std: number | null, digits = 4): string {
  if (mean === null) return "–";
  return std === null ? fixed(mean, digits) : `${fixed(mean, digits)} ± ${fixed(std, digits)}`;
}

export function when(iso: string | null): string {
  if (iso === null) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
