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

/**
 * One fused backward step of adjoint differentiation for a one-qubit operation B on qubit q,
 * in a single pass over the state: φ ← B^†φ; sums[k] += Re⟨λ|D_k|φ⟩ for the `count` (1 or 2)
 * derivative matrices D_k at derivs[8k..]; λ ← B^†λ. `inv` holds B^† at offset 0.
 */
export function backwardStep1(
  pre: Float64Array,
  pim: Float64Array,
  lre: Float64Array,
  lim: Float64Array,
  dim: number,
  q: number,
  inv: Float64Array,
  derivs: Float64Array,
  count: 1 | 2,
  sums: Float64Array,
): void {
  const ar = inv[0]!;
  const ai = inv[1]!;
  const br = inv[2]!;
  const bi = inv[3]!;
  const cr = inv[4]!;
  const ci = inv[5]!;
  const dr = inv[6]!;
  const di = inv[7]!;
  const e0r = derivs[0]!;
  const e0i = derivs[1]!;
  const e1r = derivs[2]!;
  const e1i = derivs[3]!;
  const e2r = derivs[4]!;
  const e2i = derivs[5]!;
  const e3r = derivs[6]!;
  const e3i = derivs[7]!;
  const two = count === 2;
  const f0r = two ? derivs[8]! : 0;
  const f0i = two ? derivs[9]! : 0;
  const f1r = two ? derivs[10]! : 0;
  const f1i = two ? derivs[11]! : 0;
  const f2r = two ? derivs[12]! : 0;
  const f2i = two ? derivs[13]! : 0;
  const f3r = two ? derivs[14]! : 0;
  const f3i = two ? derivs[15]! : 0;
  let sum0 = 0;
  let sum1 = 0;
  const stride = 1 << q;
  for (let base = 0; base < dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      // φ ← B^†φ
      let xr = pre[i]!;
      let xi = pim[i]!;
      let yr = pre[j]!;
      let yi = pim[j]!;
      const ur = ar * xr - ai * xi + br * yr - bi * yi;
      const ui = ar * xi + ai * xr + br * yi + bi * yr;
      const vr = cr * xr - ci * xi + dr * yr - di * yi;
      const vi = cr * xi + ci * xr + dr * yi + di * yr;
      pre[i] = ur;
      pim[i] = ui;
      pre[j] = vr;
      pim[j] = vi;
      // Re⟨λ|Dφ⟩ with the pre-update λ
      xr = lre[i]!;
      xi = lim[i]!;
      yr = lre[j]!;
      yi = lim[j]!;
      sum0 +=
        xr * (e0r * ur - e0i * ui + e1r * vr - e1i * vi) +
        xi * (e0r * ui + e0i * ur + e1r * vi + e1i * vr) +
        yr * (e2r * ur - e2i * ui + e3r * vr - e3i * vi) +
        yi * (e2r * ui + e2i * ur + e3r * vi + e3i * vr);
      if (two) {
        sum1 +=
          xr * (f0r * ur - f0i * ui + f1r * vr - f1i * vi) +
          xi * (f0r * ui + f0i * ur + f1r * vi + f1i * vr) +
          yr * (f2r * ur - f2i * ui + f3r * vr - f3i * vi) +
          yi * (f2r * ui + f2i * ur + f3r * vi + f3i * vr);
      }
      // λ ← B^†λ
      lre[i] = ar * xr - ai * xi + br * yr - bi * yi;
      lim[i] = ar * xi + ai * xr + br * yi + bi * yr;
      lre[j] = cr * xr - ci * xi + dr * yr - di * yi;
      lim[j] = cr * xi + ci * xr + dr * yi + di * yr;
    }
  }
  sums[0] = sum0;
  sums[1] = sum1;
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
