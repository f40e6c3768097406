/**
 * Discretisation for the information plane: equal-frequency bins for a real regression
 * target (so Y becomes a class label), and equal-width bins for a classical network's hidden
 * activations (the Shwartz-Ziv & Tishby 2017 baseline, where T = the binned hidden layer).
 */
import { klPhi } from "./divergence.js";
import type { InformationPlanePoint } from "./mutual-information.js";

/**
 * Equal-frequency (quantile) bins of real values: labels 0..B'−1, ordered like the values.
 *
 * - If there are at most B distinct values, each distinct value is its own bin (B' = number
 *   of distinct values).
 * - Otherwise value ranks r = 0..N−1 are cut into B equal runs: the group of equal values
 *   occupying ranks [a, b) goes, whole, to bin ⌊B·(a + b)/(2N)⌋ (the bin of its middle rank),
 *   so equal values always share a bin. Bins left empty by large tie groups are dropped and
 *   the labels renumbered, so B' ≤ B and every label 0..B'−1 is used.
 *
 * With N a multiple of B and no ties every bin gets exactly N/B values.
 * @throws RangeError on a non-finite value, an empty input or B < 1.
 */
export function equalFrequencyBins(values: ArrayLike<number>, bins = 8): Int32Array {
  const n = values.length;
  if (!Number.isSafeInteger(bins) || bins < 1) {
    throw new RangeError(`bins must be an integer ≥ 1, got ${bins}`);
  }
  if (n === 0) throw new RangeError("cannot bin an empty set of values");
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`value [${i}] must be finite, got ${v}`);
    sorted[i] = v;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => sorted[a]! - sorted[b]!);
  let distinct = 0;
  for (let r = 0; r < n; r++) {
    if (r === 0 || sorted[order[r]!]! !== sorted[order[r - 1]!]!) distinct++;
  }
  const labels = new Int32Array(n);
  let label = -1;
  let lastBin = -1;
  for (let start = 0; start < n; ) {
    const v = sorted[order[start]!]!;
    let end = start + 1;
    while (end < n && sorted[order[end]!]! === v) end++;
    const bin = distinct <= bins ? start : Math.floor((bins * (start + end)) / (2 * n));
    if (bin !== lastBin) {
      label++;
      lastBin = bin;
    }
    for (let r = start; r < end; r++) labels[order[r]!] = label;
    start = end;
  }
  return labels;
}

/**
 * The cut points of {@link equalFrequencyBins} on `values`, to bin other values the same way
 * (a regression target's bins fitted on the training split, applied to every split): edge k
 * lies between the largest value of bin k and the smallest of bin k + 1 (their midpoint, or
 * the former when the midpoint rounds up onto the latter), so
 * `applyBins(values, fitEqualFrequencyEdges(values, B))` equals `equalFrequencyBins(values, B)`.
 * Ascending, B' − 1 edges for the B' bins used.
 * @throws RangeError as equalFrequencyBins does.
 */
export function fitEqualFrequencyEdges(values: ArrayLike<number>, bins = 8): Float64Array {
  const labels = equalFrequencyBins(values, bins);
  let used = 0;
  for (let i = 0; i < labels.length; i++) used = Math.max(used, labels[i]! + 1);
  const lowest = new Float64Array(used).fill(Number.POSITIVE_INFINITY);
  const highest = new Float64Array(used).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const value = values[i]!;
    if (value < lowest[label]!) lowest[label] = value;
    if (value > highest[label]!) highest[label] = value;
  }
  const edges = new Float64Array(used - 1);
  for (let k = 0; k + 1 < used; k++) {
    const below = highest[k]!;
    const above = lowest[k + 1]!;
    const middle = below + (above - below) / 2;
    edges[k] = middle < above ? middle : below;
  }
  return edges;
}

/**
 * Bin of each value under ascending `edges`: the number of edges strictly below it, so a
 * value on an edge joins the lower bin and values outside the fitted range join the end
 * bins. @throws RangeError on a non-finite value.
 */
export function applyBins(values: ArrayLike<number>, edges: Float64Array): Int32Array {
  const labels = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) throw new RangeError(`value [${i}] must be finite, got ${value}`);
    // binary search: the first edge ≥ value
    let low = 0;
    let high = edges.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (edges[middle]! < value) low = middle + 1;
      else high = middle;
    }
    labels[i] = low;
  }
  return labels;
}

/**
 * The interval equal-width bins cover: "observed" = [min, max] of the values given (for a
 * layer: over all its units and samples, one range shared by every unit, as Shwartz-Ziv &
 * Tishby do), "tanh" = [−1, 1] (the activation's full range, fixed across training, which
 * makes epochs comparable), or an explicit interval.
 */
export type BinRange = "observed" | "tanh" | { readonly min: number; readonly max: number };

function resolveRange(values: ArrayLike<number>, range: BinRange): [number, number] {
  if (range === "tanh") return [-1, 1];
  if (range !== "observed") {
    const { min, max } = range;
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(min <= max)) {
      throw new RangeError(`bin range must be finite with min ≤ max, got [${min}, ${max}]`);
    }
    return [min, max];
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Equal-width bins: bin j ∈ 0..B−1 holds [lo + j·w, lo + (j+1)·w), w = (hi − lo)/B, the last
 * bin also holding hi. Values outside an explicit or "tanh" range go to the nearest edge
 * bin. A degenerate range (hi = lo, e.g. constant values) puts everything in bin 0.
 * Computed as ⌊(v − lo)·B/(hi − lo)⌋, so a value on an interior edge may land on either side
 * of it by rounding.
 * @throws RangeError on a non-finite value or B < 1.
 */
export function equalWidthBins(
  values: ArrayLike<number>,
  bins: number,
  range: BinRange = "observed",
): Int32Array {
  if (!Number.isSafeInteger(bins) || bins < 1 || bins > 2 ** 31 - 1) {
    throw new RangeError(`bins must be an integer ≥ 1, got ${bins}`);
  }
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new RangeError(`value [${i}] must be finite, got ${values[i]}`);
    }
  }
  const out = new Int32Array(n);
  if (n === 0) return out;
  const [lo, hi] = resolveRange(values, range);
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return out;
  const last = bins - 1;
  for (let i = 0; i < n; i++) {
    const j = Math.floor(((values[i]! - lo) * bins) / span);
    out[i] = Math.max(0, Math.min(j, last));
  }
  return out;
}

/**
 * The information plane of a deterministic classical representation: T = a hidden layer's
 * activation vector with every unit binned into B equal-width bins (default 30, Shwartz-Ziv &
 * Tishby 2017), each distinct binned vector one symbol t. T is a function of x, so
 * H(T|X) = 0 and I(X;T) = H(T); I(T;Y) comes from the joint distribution of (t, y) over
 * the N samples (p(x) = 1/N).
 *
 * The bin range is shared by all units: by default [min, max] of all the activations given
 * (so it moves from epoch to epoch), or "tanh" for the fixed [−1, 1], or an explicit one.
 *
 * Numerics as in mutual-information.ts: I(T;Y) = Σ_y p(y) KL(p(t|y) ‖ p(t)) and
 * I(X;T) = I(T;Y) + Σ_y p(y) H(T|Y=y) from non-negative terms, so 0 ≤ I(T;Y) ≤ I(X;T)
 * exactly; I(X;T) equals H(T) up to rounding (≈1e-15).
 *
 * @param activations row-major N×units (N = labels.length)
 * @param labels y_i ∈ 0..classes−1
 * @throws RangeError on mismatched shapes, labels out of range or non-finite activations.
 */
export function binnedLayerInformation(
  activations: Float64Array,
  labels: ArrayLike<number>,
  classes: number,
  bins = 30,
  range: BinRange = "observed",
): InformationPlanePoint {
  const n = labels.length;
  if (n === 0) throw new RangeError("need at least one sample");
  const units = activations.length / n;
  if (!Number.isInteger(units) || units < 1) {
    throw new RangeError(`${activations.length} activations do not form ${n} rows of ≥ 1 unit`);
  }
  if (!Number.isSafeInteger(classes) || classes < 1) {
    throw new RangeError(`classes must be an integer ≥ 1, got ${classes}`);
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new RangeError(`label [${i}] must be an integer in 0..${classes - 1}, got ${y}`);
    }
  }
  const codes = equalWidthBins(activations, bins, range);
  const symbols = symbolsOfRows(codes, n, units);
  let m = 0;
  for (let i = 0; i < n; i++) if (symbols[i]! >= m) m = symbols[i]! + 1;

  const symbolCount = new Float64Array(m);
  const classCount = new Float64Array(classes);
  const joint = new Float64Array(classes * m);
  for (let i = 0; i < n; i++) {
    const t = symbols[i]!;
    const y = labels[i]!;
    symbolCount[t]! += 1;
    classCount[y]! += 1;
    joint[y * m + t]! += 1;
  }
  // nats: relevance = Σ_y (N_y/N) Σ_t (N_t/N) φ(N·N_yt/(N_y·N_t)); within = Σ_yt (N_yt/N) ln(N_y/N_yt)
  let relevance = 0;
  let within = 0;
  for (let y = 0; y < classes; y++) {
    const ny = classCount[y]!;
    if (ny === 0) continue;
    let inner = 0;
    for (let t = 0; t < m; t++) {
      const nyt = joint[y * m + t]!;
      inner += symbolCount[t]! * klPhi((n * nyt) / (ny * symbolCount[t]!));
      if (nyt > 0) within += nyt * Math.log(ny / nyt);
    }
    relevance += ny * inner;
  }
  relevance /= n * n;
  within /= n;
  return {
    ixt: (relevance + within) / Math.LN2,
    ity: relevance / Math.LN2,
    ht: countEntropyBits(symbolCount, n),
    hy: countEntropyBits(classCount, n),
  };
}

function countEntropyBits(counts: Float64Array, total: number): number {
  let h = 0;
  for (let j = 0; j < counts.length; j++) {
    const c = counts[j]!;
    if (c > 0) h += (c / total) * Math.log2(total / c);
  }
  return h;
}

/**
 * Symbol ids 0..M−1 for the rows of an N×width integer table, equal rows sharing an id
 * (ids in lexicographic row order). Sorts row indices, so no per-row keys are allocated.
 */
function symbolsOfRows(codes: Int32Array, rows: number, width: number): Int32Array {
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const compare = (a: number, b: number): number => {
    const oa = a * width;
    const ob = b * width;
    for (let u = 0; u < width; u++) {
      const d = codes[oa + u]! - codes[ob + u]!;
      if (d !== 0) return d;
    }
    return 0;
  };
  order.sort(compare);
  const symbols = new Int32Array(rows);
  let id = 0;
  for (let r = 0; r < rows; r++) {
    if (r > 0 && compare(order[r - 1]!, order[r]!) !== 0) id++;
    symbols[order[r]!] = id;
  }
  return symbols;
}
