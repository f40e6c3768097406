/** Colour scales: viridis for "which epoch" (perceptually uniform, colour-blind safe), and a
 * qualitative palette for arms/series. */

// Viridis sampled at 9 evenly spaced stops (matplotlib's colormap data).
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** 256 precomputed CSS colours, so drawing a point never builds a string. */
const VIRIDIS_256: readonly string[] = Array.from({ length: 256 }, (_, index) => {
  const position = (index / 255) * (VIRIDIS.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, VIRIDIS.length - 1);
  const t = position - low;
  const channel = (c: number) => Math.round(VIRIDIS[low]![c]! * (1 - t) + VIRIDIS[high]![c]! * t);
  return `rgb(${channel(0)},${channel(1)},${channel(2)})`;
});

/** Colour of `epoch` (1-based) among `epochs`: first epoch dark purple, last yellow. */
export function epochColor(epoch: number, epochs: number): string {
  const fraction = epochs <= 1 ? 1 : (epoch - 1) / (epochs - 1);
  const index = Math.round(Math.min(1, Math.max(0, fraction)) * 255);
  return VIRIDIS_256[index]!;
}

/** CSS gradient of the whole scale, for the colour bar. */
export const VIRIDIS_GRADIENT = `linear-gradient(to right, ${VIRIDIS.map(([r, g, b]) => `rgb(${r},${g},${b})`).join(", ")})`;

// Okabe–Ito, distinguishable with the common colour-vision deficiencies.
const PALETTE = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#d55e00",
  "#56b4e9",
  "#000000",
  "#f0e442",
];

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** `#rrggbb` with an alpha, for band fills. */
export function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255},${(value >> 8) & 255},${value & 255},${alpha})`;
}

/** A run overlaid on another's information plane (vermillion: far from every viridis stop). */
export const COMPARISON_COLOR = seriesColor(4);
