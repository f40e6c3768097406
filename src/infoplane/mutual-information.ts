/**
 * The information plane of a stochastic representation T over an evaluation set
 * (docs/science.md §Information plane): N samples x_i with p(x) = 1/N, integer labels
 * y_i ∈ 0..C−1, and the outcome distribution p(t|x_i) of every sample as one row of a
 * row-major N×M table.
 *   p(t) = mean_i p(t|x_i),  p(t|y) = mean over the samples of class y,  p(y) = N_y/N
 *   I(X;T) = H(T) − mean_i H(T|X=x_i),  I(T;Y) = H(T) − Σ_y p(y) H(T|Y=y)
 * All values are in bits.
 *
 * Numerics. Both informations are evaluated as sums of non-negative terms (see
 * divergence.ts), never as differences of entropies:
 *   I(T;Y) = Σ_y p(y) KL(p(t|y) ‖ p(t))
 *   I(X;T) = I(T;Y) + (1/N) Σ_i KL(p(t|x_i) ‖ p(t|y_i))     (chain rule: Y is a function of X)
 * so 0 ≤ I(T;Y) ≤ I(X;T) hold exactly in floating point (a + b ≥ a for b ≥ 0 and division
 * by ln 2 is monotone), without clipping anything. The upper bounds I(X;T) ≤ log2 N,
 * log2 M and I(T;Y) ≤ H(Y) hold to rounding (≈1e-15), not exactly. H(T) is computed on
 * its own, so H(T) − I(X;T) ≥ 0 also holds to rounding only.
 */
import { klPhi } from "./divergence.js";
import { millerMadowCorrectionBits } from "./entropy.js";

/** One point of the information plane, in bits. */
export interface InformationPlanePoint {
  /** I(X;T). */
  readonly ixt: number;
  /** I(T;Y). */
  readonly ity: number;
  /** H(T). */
  readonly ht: number;
  /** H(Y) of the labels (exact: labels are not sampled). */
  readonly hy: number;
}

/** Entropy estimators for shot counts. */
export type ShotEstimator = "plugin" | "miller-madow";

/** An information-plane point estimated from shot counts, with what it was estimated from. */
export interface ShotInformationPlanePoint extends InformationPlanePoint {
  readonly estimator: ShotEstimator;
  /** Total shots over all samples. */
  readonly shots: number;
  /** N, the number of samples (rows). */
  readonly samples: number;
}

export interface InformationPlaneOptions {
  /** C, the number of classes; labels must lie in 0..C−1. Default: max label + 1. */
  readonly classes?: number;
}

export interface ShotInformationPlaneOptions extends InformationPlaneOptions {
  /** Default "plugin". */
  readonly estimator?: ShotEstimator;
}

/** Labels index C×M work tables, so C is capped well below memory exhaustion. */
const MAX_CLASSES = 2 ** 24;

/** How far a row of a conditional table may sum away from 1. */
const ROW_SUM_TOLERANCE = 1e-8;

function rowCount(length: number, outcomes: number, what: string): number {
  if (!Number.isSafeInteger(outcomes) || outcomes < 1) {
    throw new RangeError(`outcomes must be an integer ≥ 1, got ${outcomes}`);
  }
  const rows = length / outcomes;
  if (!Number.isInteger(rows) || rows < 1) {
    throw new RangeError(
      `${what} of length ${length} is not a non-empty table of rows of ${outcomes} outcomes`,
    );
  }
  return rows;
}

function checkConditionals(table: Float64Array, samples: number, outcomes: number): void {
  for (let i = 0; i < samples; i++) {
    const row = i * outcomes;
    let sum = 0;
    for (let t = 0; t < outcomes; t++) {
      const p = table[row + t]!;
      if (!(p >= 0) || p === Number.POSITIVE_INFINITY) {
        throw new RangeError(`p(t=${t}|x_${i}) must be finite and ≥ 0, got ${p}`);
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new RangeError(`p(t|x_${i}) sums to ${sum}, not 1`);
    }
  }
}

/** Labels as an Int32Array, checked against the sample and class counts. */
function checkLabels(
  labels: ArrayLike<number>,
  samples: number,
  classes: number | undefined,
): { labels: Int32Array; classes: number } {
  if (labels.length !== samples) {
    throw new RangeError(`expected ${samples} labels (one per sample), got ${labels.length}`);
  }
  if (
    classes !== undefined &&
    (!Number.isSafeInteger(classes) || classes < 1 || classes > MAX_CLASSES)
  ) {
    throw new RangeError(`classes must be an integer in 1..${MAX_CLASSES}, got ${classes}`);
  }
  const out = new Int32Array(samples);
  let max = 0;
  for (let i = 0; i < samples; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= (classes ?? MAX_CLASSES)) {
      const range = `an integer in 0..${(classes ?? MAX_CLASSES) - 1}`;
      throw new RangeError(`label [${i}] must be ${range}, got ${y}`);
    }
    out[i] = y;
    if (y > max) max = y;
  }
  return { labels: out, classes: classes ?? max + 1 };
}

/** Column sums of the whole table and of each class (C×M), and the class sizes N_y. */
interface Marginals {
  readonly column: Float64Array;
  readonly classColumn: Float64Array;
  readonly classSize: Float64Array;
}

function marginals(
  table: Float64Array,
  samples: number,
  outcomes: number,
  labels: Int32Array,
  classes: number,
): Marginals {
  const column = new Float64Array(outcomes);
  const classColumn = new Float64Array(classes * outcomes);
  const classSize = new Float64Array(classes);
  for (let i = 0; i < samples; i++) {
    const y = labels[i]!;
    classSize[y]! += 1;
    const row = i * outcomes;
    const cls = y * outcomes;
    for (let t = 0; t < outcomes; t++) {
      const p = table[row + t]!;
      column[t]! += p;
      classColumn[cls + t]! += p;
    }
  }
  return { column, classColumn, classSize };
}

/** Entropy in bits of the distribution s_j / total (0·log 0 = 0). */
function entropyOfSums(sums: Float64Array, total: number): number {
  let h = 0;
  for (let j = 0; j < sums.length; j++) {
    const p = sums[j]! / total; // tested after the division: a subnormal sum can underflow
    if (p > 0) h -= p * Math.log2(p);
  }
  return h;
}

/**
 * The exact-probability information plane of a checked table (see the module note for
 * why the formulas are arranged this way).
 */
function planeOfTable(
  table: Float64Array,
  samples: number,
  outcomes: number,
  labels: Int32Array,
  classes: number,
  m: Marginals,
): InformationPlanePoint {
  const { column, classColumn, classSize } = m;
  const n = samples;
  // I(T;Y) in nats: Σ_y (N_y/N) Σ_t p(t) φ(p(t|y)/p(t)), with p(t) = S_t/N, p(t|y) = S_yt/N_y
  let relevance = 0;
  for (let y = 0; y < classes; y++) {
    const ny = classSize[y]!;
    if (ny === 0) continue;
    const cls = y * outcomes;
    let inner = 0;
    for (let t = 0; t < outcomes; t++) {
      const s = column[t]!;
      if (s > 0) inner += s * klPhi((classColumn[cls + t]! * n) / (ny * s));
    }
    relevance += ny * inner;
  }
  relevance /= n * n;
  // (1/N) Σ_i KL(p(t|x_i) ‖ p(t|y_i)) in nats, with p(t|y) = S_yt/N_y; S_yt = 0 forces p = 0
  let within = 0;
  for (let i = 0; i < samples; i++) {
    const y = labels[i]!;
    const ny = classSize[y]!;
    const row = i * outcomes;
    const cls = y * outcomes;
    let inner = 0;
    for (let t = 0; t < outcomes; t++) {
      const c = classColumn[cls + t]!;
      if (c > 0) inner += c * klPhi((table[row + t]! * ny) / c);
    }
    within += inner / ny;
  }
  within /= n;
  const compression = relevance + within;
  return {
    ixt: compression / Math.LN2,
    ity: relevance / Math.LN2,
    ht: entropyOfSums(column, n),
    hy: entropyOfSums(classSize, n),
  };
}

/**
 * The information plane from exact conditional distributions.
 * @param conditionals row-major N×M table, row i = p(t|x_i) (each row sums to 1 within 1e-8)
 * @param outcomes M, the number of outcomes t (columns)
 * @param labels y_i, integers in 0..C−1, one per row
 * @throws RangeError on a malformed table or labels.
 */
export function informationPlane(
  conditionals: Float64Array,
  outcomes: number,
  labels: ArrayLike<number>,
  options: InformationPlaneOptions = {},
): InformationPlanePoint {
  const samples = rowCount(conditionals.length, outcomes, "conditional table");
  checkConditionals(conditionals, samples, outcomes);
  const checked = checkLabels(labels, samples, options.classes);
  const m = marginals(conditionals, samples, outcomes, checked.labels, checked.classes);
  return planeOfTable(conditionals, samples, outcomes, checked.labels, checked.classes, m);
}

/**
 * I(X;T) in bits from exact conditional distributions, without labels: mean_i KL(p(t|x_i) ‖ p(t)),
 * exactly ≥ 0. (Equals `informationPlane(...).ixt` up to rounding.)
 */
export function mutualInformationXT(conditionals: Float64Array, outcomes: number): number {
  const samples = rowCount(conditionals.length, outcomes, "conditional table");
  checkConditionals(conditionals, samples, outcomes);
  const labels = new Int32Array(samples);
  const m = marginals(conditionals, samples, outcomes, labels, 1);
  return planeOfTable(conditionals, samples, outcomes, labels, 1, m).ixt;
}

/**
 * The information plane from shot counts: row i of the N×M table holds the counts n_it of
 * sample i over S_i = Σ_t n_it shots (S_i ≥ 1 and may differ between rows).
 *
 * - `plugin`: the exact formulas applied to p̂(t|x_i) = n_it/S_i (p(x) = 1/N as always), so
 *   0 ≤ I(T;Y) ≤ I(X;T) hold exactly.
 * - `miller-madow`: every entropy term gets its own correction (m − 1)/(2 S ln 2), m and S
 *   being the occupied outcomes and shots of the counts behind that term: H(T) the counts
 *   pooled over all rows, H(T|X=x_i) row i, H(T|Y=y) the rows of class y pooled. So
 *     ht  = ht_plugin  + c_T
 *     ixt = ixt_plugin + c_T − mean_i c_i
 *     ity = ity_plugin + c_T − Σ_y p(y) c_y
 *   and H(Y) is unchanged (labels are exact). With equal S_i the plug-in part of each term is
 *   exactly the entropy of its pooled counts. The values are reported as computed: they may
 *   be slightly negative or cross the plug-in invariants, and are never clipped.
 *
 * @throws RangeError on a malformed table (negative or fractional counts, a zero-shot row)
 *   or labels.
 */
export function informationPlaneFromCounts(
  counts: ArrayLike<number>,
  outcomes: number,
  labels: ArrayLike<number>,
  options: ShotInformationPlaneOptions = {},
): ShotInformationPlanePoint {
  const estimator = options.estimator ?? "plugin";
  if (estimator !== "plugin" && estimator !== "miller-madow") {
    throw new RangeError(`estimator must be "plugin" or "miller-madow", got "${estimator}"`);
  }
  const samples = rowCount(counts.length, outcomes, "count table");
  const checked = checkLabels(labels, samples, options.classes);
  const { classes } = checked;
  const rowShots = new Float64Array(samples);
  const table = new Float64Array(samples * outcomes);
  let shots = 0;
  for (let i = 0; i < samples; i++) {
    const row = i * outcomes;
    let s = 0;
    for (let t = 0; t < outcomes; t++) {
      const c = counts[row + t]!;
      if (!Number.isSafeInteger(c) || c < 0) {
        throw new RangeError(`count n(t=${t}|x_${i}) must be a non-negative integer, got ${c}`);
      }
      s += c;
    }
    if (s === 0) throw new RangeError(`sample ${i} has no shots`);
    for (let t = 0; t < outcomes; t++) table[row + t] = counts[row + t]! / s;
    rowShots[i] = s;
    shots += s;
  }
  const m = marginals(table, samples, outcomes, checked.labels, classes);
  const plugin = planeOfTable(table, samples, outcomes, checked.labels, classes, m);
  if (estimator === "plugin") return { ...plugin, estimator, shots, samples };

  // c_i for every row, averaged; pooled occupancy of all rows and of each class
  let rowCorrections = 0;
  const classShots = new Float64Array(classes);
  for (let i = 0; i < samples; i++) {
    const row = i * outcomes;
    let occupied = 0;
    for (let t = 0; t < outcomes; t++) if (counts[row + t]! > 0) occupied++;
    rowCorrections += millerMadowCorrectionBits(occupied, rowShots[i]!);
    classShots[checked.labels[i]!]! += rowShots[i]!;
  }
  let pooledOccupied = 0;
  for (let t = 0; t < outcomes; t++) if (m.column[t]! > 0) pooledOccupied++;
  const pooled = millerMadowCorrectionBits(pooledOccupied, shots);
  let classCorrections = 0;
  for (let y = 0; y < classes; y++) {
    const ny = m.classSize[y]!;
    if (ny === 0) continue;
    let occupied = 0;
    for (let t = 0; t < outcomes; t++) if (m.classColumn[y * outcomes + t]! > 0) occupied++;
    classCorrections += (ny / samples) * millerMadowCorrectionBits(occupied, classShots[y]!);
  }
  return {
    ixt: plugin.ixt + pooled - rowCorrections / samples,
    ity: plugin.ity + pooled - classCorrections,
    ht: plugin.ht + pooled,
    hy: plugin.hy,
    estimator,
    shots,
    samples,
  };
}
