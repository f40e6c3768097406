/**
 * In-place statevector kernels. The state is split into real and imaginary Float64Arrays of
 * length dim = 2^n; basis index bit q is qubit q (little-endian, as Qiskit).
 *
 * Each kernel touches only the amplitudes its gate changes: diagonal gates multiply phases,
 * X/CX/SWAP permute, controlled gates visit only the control-set half. Loops enumerate
 * index blocks directly (no per-index branching) and never allocate. Matrices are read
 * from a Float64Array at an offset, in the layout of src/circuits/matrices.ts.
 */

/** General one-qubit gate: 2×2 complex matrix m[o..o+8). */
export function applyMatrix1(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  q: number,
  m: Float64Array,
  o: number,
): void {
  const ar = m[o]!;
  const ai = m[o + 1]!;
  const br = m[o + 2]!;
  const bi = m[o + 3]!;
  const cr = m[o + 4]!;
  const ci = m[o + 5]!;
  const dr = m[o + 6]!;
  const di = m[o + 7]!;
  const stride = 1 << q;
  for (let base = 0; base < dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const xr = re[i]!;
      const xi = im[i]!;
      const yr = re[j]!;
      const yi = im[j]!;
      re[i] = ar * xr - ai * xi + br * yr - bi * yi;
      im[i] = ar * xi + ai * xr + br * yi + bi * yr;
      re[j] = cr * xr - ci * xi + dr * yr - di * yi;
      im[j] = cr * xi + ci * xr + dr * yi + di * yr;
    }
  }
}

/** Real one-qubit gate (ry, h): [[a, b], [c, d]] from m[o], m[o+2], m[o+4], m[o+6]. */
export function applyReal1(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  q: number,
  m: Float64Array,
  o: number,
): void {
  const a = m[o]!;
  const b = m[o + 2]!;
  const c = m[o + 4]!;
  const d = m[o + 6]!;
  const stride = 1 << q;
  if (stride === 1) {
    for (let i = 0; i < dim; i += 2) {
      const xr = re[i]!;
      const xi = im[i]!;
      const yr = re[i + 1]!;
      const yi = im[i + 1]!;
      re[i] = a * xr + b * yr;
      im[i] = a * xi + b * yi;
      re[i + 1] = c * xr + d * yr;
      im[i + 1] = c * xi + d * yi;
    }
    return;
  }
  for (let base = 0; base < dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const xr = re[i]!;
      const xi = im[i]!;
      const yr = re[j]!;
      const yi = im[j]!;
      re[i] = a * xr + b * yr;
      im[i] = a * xi + b * yi;
      re[j] = c * xr + d * yr;
      im[j] = c * xi + d * yi;
    }
  }
}

/** Multiplies every amplitude whose bit q equals `bit` by the phase (pr + i·pi). */
function multiplyHalf(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  q: number,
  bit: 0 | 1,
  pr: number,
  pi: number,
): void {
  const stride = 1 << q;
  const shift = bit === 1 ? stride : 0;
  for (let base = shift; base < dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const xr = re[i]!;
      const xi = im[i]!;
      re[i] = pr * xr - pi * xi;
      im[i] = pr * xi + pi * xr;
    }
  }
}

/** Diagonal one-qubit gate diag(m[o..o+2), m[o+6..o+8)) from a full 2×2 matrix layout. */
export function applyDiagonal1(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  q: number,
  m: Float64Array,
  o: number,
): void {
  const d0r = m[o]!;
  const d0i = m[o + 1]!;
  if (d0r !== 1 || d0i !== 0) multiplyHalf(re, im, dim, q, 0, d0r, d0i);
  const d1r = m[o + 6]!;
  const d1i = m[o + 7]!;
  if (d1r !== 1 || d1i !== 0) multiplyHalf(re, im, dim, q, 1, d1r, d1i);
}

/** Pauli X: swaps the halves of qubit q. */
export function applyX(re: Float64Array, im: Float64Array, dim: number, q: number): void {
  const stride = 1 << q;
  for (let base = 0; base < dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const tr = re[i]!;
      const ti = im[i]!;
      re[i] = re[j]!;
      im[i] = im[j]!;
      re[j] = tr;
      im[j] = ti;
    }
  }
}

/** CNOT: swaps amplitudes (control=1, target=0) ↔ (control=1, target=1). */
export function applyCX(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  control: number,
  target: number,
): void {
  const sLo = 1 << Math.min(control, target);
  const sHi = 1 << Math.max(control, target);
  const cm = 1 << control;
  const tm = 1 << target;
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let i = b; i < bEnd; i++) {
        const x = i | cm;
        const y = x | tm;
        const tr = re[x]!;
        const ti = im[x]!;
        re[x] = re[y]!;
        im[x] = im[y]!;
        re[y] = tr;
        im[y] = ti;
      }
    }
  }
}

/** SWAP: exchanges amplitudes (a=1, b=0) ↔ (a=0, b=1). */
export function applySwap(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  qa: number,
  qb: number,
): void {
  const sLo = 1 << Math.min(qa, qb);
  const sHi = 1 << Math.max(qa, qb);
  const am = 1 << qa;
  const bm = 1 << qb;
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let i = b; i < bEnd; i++) {
        const x = i | am;
        const y = i | bm;
        const tr = re[x]!;
        const ti = im[x]!;
        re[x] = re[y]!;
        im[x] = im[y]!;
        re[y] = tr;
        im[y] = ti;
      }
    }
  }
}

/** CZ: negates amplitudes with both bits set. */
export function applyCZ(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  qa: number,
  qb: number,
): void {
  const sLo = 1 << Math.min(qa, qb);
  const sHi = 1 << Math.max(qa, qb);
  const both = (1 << qa) | (1 << qb);
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let i = b; i < bEnd; i++) {
        const x = i | both;
        re[x] = -re[x]!;
        im[x] = -im[x]!;
      }
    }
  }
}

/** Controlled one-qubit gate: the 2×2 block m[o..o+8) acts on target where control = 1. */
export function applyControlled1(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  control: number,
  target: number,
  m: Float64Array,
  o: number,
): void {
  const ar = m[o]!;
  const ai = m[o + 1]!;
  const br = m[o + 2]!;
  const bi = m[o + 3]!;
  const cr = m[o + 4]!;
  const ci = m[o + 5]!;
  const dr = m[o + 6]!;
  const di = m[o + 7]!;
  const sLo = 1 << Math.min(control, target);
  const sHi = 1 << Math.max(control, target);
  const cm = 1 << control;
  const tm = 1 << target;
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let k = b; k < bEnd; k++) {
        const i = k | cm;
        const j = i | tm;
        const xr = re[i]!;
        const xi = im[i]!;
        const yr = re[j]!;
        const yi = im[j]!;
        re[i] = ar * xr - ai * xi + br * yr - bi * yi;
        im[i] = ar * xi + ai * xr + br * yi + bi * yr;
        re[j] = cr * xr - ci * xi + dr * yr - di * yi;
        im[j] = cr * xi + ci * xr + dr * yi + di * yr;
      }
    }
  }
}

/**
 * Two-qubit diagonal gate given as a 4×4 matrix (rzz): multiplies each of the four
 * sub-blocks by its diagonal entry.
 */
export function applyDiagonal2(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  qa: number,
  qb: number,
  m: Float64Array,
  o: number,
): void {
  const sLo = 1 << Math.min(qa, qb);
  const sHi = 1 << Math.max(qa, qb);
  const am = 1 << qa;
  const bm = 1 << qb;
  const d0r = m[o]!;
  const d0i = m[o + 1]!;
  const d1r = m[o + 10]!;
  const d1i = m[o + 11]!;
  const d2r = m[o + 20]!;
  const d2i = m[o + 21]!;
  const d3r = m[o + 30]!;
  const d3i = m[o + 31]!;
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let i0 = b; i0 < bEnd; i0++) {
        const i1 = i0 | am;
        const i2 = i0 | bm;
        const i3 = i1 | bm;
        let xr = re[i0]!;
        let xi = im[i0]!;
        re[i0] = d0r * xr - d0i * xi;
        im[i0] = d0r * xi + d0i * xr;
        xr = re[i1]!;
        xi = im[i1]!;
        re[i1] = d1r * xr - d1i * xi;
        im[i1] = d1r * xi + d1i * xr;
        xr = re[i2]!;
        xi = im[i2]!;
        re[i2] = d2r * xr - d2i * xi;
        im[i2] = d2r * xi + d2i * xr;
        xr = re[i3]!;
        xi = im[i3]!;
        re[i3] = d3r * xr - d3i * xi;
        im[i3] = d3r * xi + d3i * xr;
      }
    }
  }
}

/** General two-qubit gate: 4×4 complex matrix m[o..o+32), basis index bit(qa) + 2·bit(qb). */
export function applyMatrix2(
  re: Float64Array,
  im: Float64Array,
  dim: number,
  qa: number,
  qb: number,
  m: Float64Array,
  o: number,
): void {
  const sLo = 1 << Math.min(qa, qb);
  const sHi = 1 << Math.max(qa, qb);
  const am = 1 << qa;
  const bm = 1 << qb;
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let i0 = b; i0 < bEnd; i0++) {
        const i1 = i0 | am;
        const i2 = i0 | bm;
        const i3 = i1 | bm;
        const x0r = re[i0]!;
        const x0i = im[i0]!;
        const x1r = re[i1]!;
        const x1i = im[i1]!;
        const x2r = re[i2]!;
        const x2i = im[i2]!;
        const x3r = re[i3]!;
        const x3i = im[i3]!;
        for (let row = 0; row < 4; row++) {
          const r = o + 8 * row;
          const yr =
            m[r]! * x0r -
            m[r + 1]! * x0i +
            m[r + 2]! * x1r -
            m[r + 3]! * x1i +
            m[r + 4]! * x2r -
            m[r + 5]! * x2i +
            m[r + 6]! * x3r -
            m[r + 7]! * x3i;
          const yi =
            m[r]! * x0i +
            m[r + 1]! * x0r +
            m[r + 2]! * x1i +
            m[r + 3]! * x1r +
            m[r + 4]! * x2i +
            m[r + 5]! * x2r +
            m[r + 6]! * x3i +
            m[r + 7]! * x3r;
          const target = row === 0 ? i0 : row === 1 ? i1 : row === 2 ? i2 : i3;
          re[target] = yr;
          im[target] = yi;
        }
      }
    }
  }
}

/**
 * Σ Re(conj(λ)·(D φ)) for a one-qubit matrix D on qubit q, optionally restricted to the
 * control-set half (control ≥ 0). The read-only reduction at the heart of adjoint
 * differentiation: ∂⟨O⟩/∂θ = 2·Re⟨λ|∂U/∂θ|φ⟩.
 */
export function reduceMatrix1(
  lre: Float64Array,
  lim: Float64Array,
  pre: Float64Array,
  pim: Float64Array,
  dim: number,
  control: number,
  q: number,
  m: Float64Array,
  o: number,
): number {
  const ar = m[o]!;
  const ai = m[o + 1]!;
  const br = m[o + 2]!;
  const bi = m[o + 3]!;
  const cr = m[o + 4]!;
  const ci = m[o + 5]!;
  const dr = m[o + 6]!;
  const di = m[o + 7]!;
  const tm = 1 << q;
  let sum = 0;
  if (control < 0) {
    for (let base = 0; base < dim; base += tm << 1) {
      const end = base + tm;
      for (let i = base; i < end; i++) {
        const j = i + tm;
        const xr = pre[i]!;
        const xi = pim[i]!;
        const yr = pre[j]!;
        const yi = pim[j]!;
        sum +=
          lre[i]! * (ar * xr - ai * xi + br * yr - bi * yi) +
          lim[i]! * (ar * xi + ai * xr + br * yi + bi * yr) +
          lre[j]! * (cr * xr - ci * xi + dr * yr - di * yi) +
          lim[j]! * (cr * xi + ci * xr + dr * yi + di * yr);
      }
    }
    return sum;
  }
  const sLo = 1 << Math.min(control, q);
  const sHi = 1 << Math.max(control, q);
  const cm = 1 << control;
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let k = b; k < bEnd; k++) {
        const i = k | cm;
        const j = i | tm;
        const xr = pre[i]!;
        const xi = pim[i]!;
        const yr = pre[j]!;
        const yi = pim[j]!;
        sum +=
          lre[i]! * (ar * xr - ai * xi + br * yr - bi * yi) +
          lim[i]! * (ar * xi + ai * xr + br * yi + bi * yr) +
          lre[j]! * (cr * xr - ci * xi + dr * yr - di * yi) +
          lim[j]! * (cr * xi + ci * xr + dr * yi + di * yr);
      }
    }
  }
  return sum;
}

/** Σ Re(conj(λ)·(D φ)) for a two-qubit diagonal D (4×4 layout) on qubits qa, qb. */
export function reduceDiagonal2(
  lre: Float64Array,
  lim: Float64Array,
  pre: Float64Array,
  pim: Float64Array,
  dim: number,
  qa: number,
  qb: number,
  m: Float64Array,
  o: number,
): number {
  const sLo = 1 << Math.min(qa, qb);
  const sHi = 1 << Math.max(qa, qb);
  const am = 1 << qa;
  const bm = 1 << qb;
  let sum = 0;
  // the four diagonal blocks: bits (qa, qb) = 00, 10, 01, 11 → entries 0, 1, 2, 3
  for (let block = 0; block < 4; block++) {
    const dr = m[o + 10 * block]!;
    const di = m[o + 10 * block + 1]!;
    const set = (block & 1 ? am : 0) | (block & 2 ? bm : 0);
    for (let a = 0; a < dim; a += sHi << 1) {
      const aEnd = a + sHi;
      for (let b = a; b < aEnd; b += sLo << 1) {
        const bEnd = b + sLo;
        for (let k = b; k < bEnd; k++) {
          const i = k | set;
          const xr = pre[i]!;
          const xi = pim[i]!;
          sum += lre[i]! * (dr * xr - di * xi) + lim[i]! * (dr * xi + di * xr);
        }
      }
    }
  }
  return sum;
}

/** CNOT applied to two states in one pass (the adjoint sweep moves φ and λ together). */
export function applyCXBoth(
  re: Float64Array,
  im: Float64Array,
  re2: Float64Array,
  im2: Float64Array,
  dim: number,
  control: number,
  target: number,
): void {
  const sLo = 1 << Math.min(control, target);
  const sHi = 1 << Math.max(control, target);
  const cm = 1 << control;
  const tm = 1 << target;
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let i = b; i < bEnd; i++) {
        const x = i | cm;
        const y = x | tm;
        let t = re[x]!;
        re[x] = re[y]!;
        re[y] = t;
        t = im[x]!;
        im[x] = im[y]!;
        im[y] = t;
        t = re2[x]!;
        re2[x] = re2[y]!;
        re2[y] = t;
        t = im2[x]!;
        im2[x] = im2[y]!;
        im2[y] = t;
      }
    }
  }
}

/** CZ applied to two states in one pass. */
export function applyCZBoth(
  re: Float64Array,
  im: Float64Array,
  re2: Float64Array,
  im2: Float64Array,
  dim: number,
  qa: number,
  qb: number,
): void {
  const sLo = 1 << Math.min(qa, qb);
  const sHi = 1 << Math.max(qa, qb);
  const both = (1 << qa) | (1 << qb);
  for (let a = 0; a < dim; a += sHi << 1) {
    const aEnd = a + sHi;
    for (let b = a; b < aEnd; b += sLo << 1) {
      const bEnd = b + sLo;
      for (let i = b; i < bEnd; i++) {
        const x = i | both;
        re[x] = -re[x]!;
        im[x] = -im[x]!;
        re2[x] = -re2[x]!;
        im2[x] = -im2[x]!;
      }
    }
  }
}

/**
 * The 2×2 overlap N_ab = Σ conj(λ_a)·φ_b over the index pairs of qubit q (a, b ∈ {0, 1} the
 * value of bit q), written to overlap[0..8) in the matrix layout. Then
 * Re⟨λ|D|φ⟩ = Re Σ_ab D_ab N_ab for ANY one-qubit matrix D: one read-only pass serves every
 * weight inside a fused operation. (Kept apart from the λ update: fusing both into one loop
 * needs more live values than x64 has registers and runs slower.)
 */
export function accumulateOverlap1(
  lre: Float64Array,
  lim: Float64Array,
  pre: Float64Array,
  pim: Float64Array,
  dim: number,
  q: number,
  overlap: Float64Array,
): void {
  let n00r = 0;
  let n00i = 0;
  let n01r = 0;
  let n01i = 0;
  let n10r = 0;
  let n10i = 0;
  let n11r = 0;
  let n11i = 0;
  const stride = 1 << q;
  for (let base = 0; base < dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const ur = pre[i]!;
      const ui = pim[i]!;
      const vr = pre[j]!;
      const vi = pim[j]!;
      const xr = lre[i]!;
      const xi = lim[i]!;
      const yr = lre[j]!;
      const yi = lim[j]!;
      // conj(λ_a)·φ_b = (λr φr + λi φi) + i(λr φi − λi φr)
      n00r += xr * ur + xi * ui;
      n00i += xr * ui - xi * ur;
      n01r += xr * vr + xi * vi;
      n01i += xr * vi - xi * vr;
      n10r += yr * ur + yi * ui;
      n10i += yr * ui - yi * ur;
      n11r += yr * vr + yi * vi;
      n11i += yr * vi - yi * vr;
    }
  }
  overlap[0] = n00r;
  overlap[1] = n00i;
  overlap[2] = n01r;
  overlap[3] = n01i;
  overlap[4] = n10r;
  overlap[5] = n10i;
  overlap[6] = n11r;
  overlap[7] = n11i;
}

/** Re Σ_ab D_ab N_ab for 2×2 complex D at d[o..) and N at n[0..8). */
export function traceOverlap(d: Float64Array, o: number, n: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < 8; k += 2) sum += d[o + k]! * n[k]! - d[o + k + 1]! * n[k + 1]!;
  return sum;
}
