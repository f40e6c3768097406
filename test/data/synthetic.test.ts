import { describe, expect, it } from "vitest";
import {
  balancedCounts,
  evaluatePolynomial,
  generateBlobs,
  generateCircles,
  generateMoons,
  generatePolynomial,
  generateSine,
  generateXor,
  polynomialCoefficients,
} from "../../src/data/synthetic.js";
import type { Dataset } from "../../src/data/types.js";
import { createRng } from "../../src/random/rng.js";
import { createGaussian, permutation } from "../../src/random/sampling.js";

const bytes = (array: Float64Array | Int32Array) =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength);

function counts(dataset: Dataset): number[] {
  const out = new Array<number>(dataset.classNames!.length).fill(0);
  for (const label of dataset.labels!) out[label]! += 1;
  return out;
}

function point(dataset: Dataset, row: number): [number, number] {
  return [dataset.features[2 * row]!, dataset.features[2 * row + 1]!];
}

const classifiers = [
  ["moons", generateMoons],
  ["circles", generateCircles],
  ["xor", generateXor],
] as const;

describe("sampling helpers", () => {
  it("Box–Muller draws have mean ≈ 0 and variance ≈ 1", () => {
    const gaussian = createGaussian(createRng(3));
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const z = gaussian();
      sum += z;
      squares += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.02);
  });

  it("permutation is a permutation and depends on the seed", () => {
    const p = permutation(50, createRng(1));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(permutation(50, createRng(2))).not.toEqual(p);
  });

  it("balancedCounts gives extras to the lowest classes", () => {
    expect(balancedCounts(7, 2)).toEqual([4, 3]);
    expect(balancedCounts(10, 4)).toEqual([3, 3, 2, 2]);
  });
});

describe("synthetic classification generators", () => {
  for (const [name, generate] of classifiers) {
    it(`${name}: balanced labels, odd extra to class 0, 2 features`, () => {
      const even = generate({ samples: 200, noise: 0.1, seed: 1 });
      expect(even.name).toBe(name);
      expect(even.task).toBe("classification");
      expect(even.featureNames).toEqual(["x1", "x2"]);
      expect(even.features.length).toBe(400);
      expect(counts(even)).toEqual([100, 100]);
      expect(counts(generate({ samples: 201, noise: 0.1, seed: 1 }))).toEqual([101, 100]);
      expect(even.droppedRows).toBe(0);
    });

    it(`${name}: same seed → identical bytes, other seed → different`, () => {
      const a = generate({ samples: 64, noise: 0.2, seed: 9 });
      const b = generate({ samples: 64, noise: 0.2, seed: 9 });
      const c = generate({ samples: 64, noise: 0.2, seed: 10 });
      expect(bytes(a.features).equals(bytes(b.features))).toBe(true);
      expect(bytes(a.labels!).equals(bytes(b.labels!))).toBe(true);
      expect(bytes(a.features).equals(bytes(c.features))).toBe(false);
    });
  }

  it("moons at noise 0 lie on the two arcs, t in [0, π], including both arc ends", () => {
    const moons = generateMoons({ samples: 101, noise: 0, seed: 4 });
    for (let row = 0; row < moons.samples; row++) {
      const [x, y] = point(moons, row);
      if (moons.labels![row] === 0) {
        expect(Math.hypot(x, y)).toBeCloseTo(1, 14);
        expect(y).toBeGreaterThanOrEqual(0);
      } else {
        expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 14);
        expect(y).toBeLessThanOrEqual(0.5);
      }
    }
    const rows = Array.from({ length: moons.samples }, (_, r) => point(moons, r));
    // Both ends of both arcs (t = 0 and t = π) are present exactly.
    for (const end of [
      [1, 0],
      [-1, 1.2246467991473532e-16],
      [0, 0.5],
      [2, 0.4999999999999999],
    ]) {
      expect(rows.some(([x, y]) => x === end[0] && y === end[1])).toBe(true);
    }
  });

  it("moons noise moves the same points by noise·N(0,1)", () => {
    const clean = generateMoons({ samples: 500, noise: 0, seed: 2 });
    const noisy = generateMoons({ samples: 500, noise: 0.1, seed: 2 });
    expect(bytes(clean.labels!).equals(bytes(noisy.labels!))).toBe(true);
    let squares = 0;
    for (let i = 0; i < clean.features.length; i++) {
      squares += (noisy.features[i]! - clean.features[i]!) ** 2;
    }
    expect(Math.sqrt(squares / clean.features.length)).toBeGreaterThan(0.09);
    expect(Math.sqrt(squares / clean.features.length)).toBeLessThan(0.11);
  });

  it("circles at noise 0 have radius 1 (outer, class 0) and 0.5 (inner, class 1)", () => {
    const circles = generateCircles({ samples: 80, noise: 0, seed: 5 });
    expect(circles.classNames).toEqual(["outer", "inner"]);
    for (let row = 0; row < circles.samples; row++) {
      const radius = Math.hypot(...point(circles, row));
      expect(radius).toBeCloseTo(circles.labels![row] === 0 ? 1 : 0.5, 14);
    }
  });

  it("xor at noise 0: label = (x > 0) XOR (y > 0), points in [−1, 1]², all quadrants equal", () => {
    const xor = generateXor({ samples: 400, noise: 0, seed: 6 });
    const quadrants = new Map<string, number>();
    for (let row = 0; row < xor.samples; row++) {
      const [x, y] = point(xor, row);
      expect(Math.abs(x)).toBeLessThanOrEqual(1);
      expect(Math.abs(y)).toBeLessThanOrEqual(1);
      expect(xor.labels![row]).toBe(x > 0 !== y > 0 ? 1 : 0);
      const key = `${Math.sign(x)}${Math.sign(y)}`;
      quadrants.set(key, (quadrants.get(key) ?? 0) + 1);
    }
    expect([...quadrants.values()]).toEqual([100, 100, 100, 100]);
  });

  it("blobs: k balanced classes around k centres in [−5, 5]² with std 1 + noise", () => {
    const blobs = generateBlobs({ samples: 3000, noise: 0.5, seed: 7, classes: 3 });
    expect(blobs.classNames).toEqual(["blob0", "blob1", "blob2"]);
    expect(counts(blobs)).toEqual([1000, 1000, 1000]);
    for (let c = 0; c < 3; c++) {
      const xs: number[] = [];
      for (let row = 0; row < blobs.samples; row++) {
        if (blobs.labels![row] === c) xs.push(blobs.features[2 * row]!);
      }
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      expect(Math.abs(mean)).toBeLessThan(5.2);
      expect(std).toBeGreaterThan(1.4);
      expect(std).toBeLessThan(1.6);
    }
    expect(counts(generateBlobs({ samples: 10, noise: 0, seed: 1, classes: 4 }))).toEqual([
      3, 3, 2, 2,
    ]);
  });

  it("blobs refuses fewer samples than classes, naming both", () => {
    expect(() => generateBlobs({ samples: 2, noise: 0.1, seed: 1, classes: 3 })).toThrow(
      /dataset: 2 samples but 3 classes/,
    );
  });
});

describe("synthetic regression generators", () => {
  it("sine at noise 0: targets are exactly sin(x), x in [−π, π)", () => {
    const sine = generateSine({ samples: 300, noise: 0, seed: 11 });
    expect(sine.task).toBe("regression");
    expect(sine.featureNames).toEqual(["x"]);
    expect(sine.labels).toBeUndefined();
    for (let i = 0; i < sine.samples; i++) {
      const x = sine.features[i]!;
      expect(x).toBeGreaterThanOrEqual(-Math.PI);
      expect(x).toBeLessThan(Math.PI);
      expect(sine.targets![i]).toBe(Math.sin(x));
    }
  });

  it("sine noise: same x, residual std ≈ noise; reproducible bytes", () => {
    const clean = generateSine({ samples: 4000, noise: 0, seed: 11 });
    const noisy = generateSine({ samples: 4000, noise: 0.3, seed: 11 });
    expect(bytes(clean.features).equals(bytes(noisy.features))).toBe(true);
    let squares = 0;
    for (let i = 0; i < clean.samples; i++)
      squares += (noisy.targets![i]! - clean.targets![i]!) ** 2;
    expect(Math.sqrt(squares / clean.samples)).toBeCloseTo(0.3, 1);
    const again = generateSine({ samples: 4000, noise: 0.3, seed: 11 });
    expect(bytes(again.targets!).equals(bytes(noisy.targets!))).toBe(true);
    const other = generateSine({ samples: 4000, noise: 0.3, seed: 12 });
    expect(bytes(other.features).equals(bytes(noisy.features))).toBe(false);
  });

  it("polynomial coefficients are (−1)^k/(k+1) and the targets follow them at noise 0", () => {
    expect([...polynomialCoefficients(3)]).toEqual([1, -1 / 2, 1 / 3, -1 / 4]);
    expect(evaluatePolynomial(polynomialCoefficients(3), 0.5)).toBeCloseTo(
      1 - 0.5 / 2 + 0.25 / 3 - 0.125 / 4,
      15,
    );
    const poly = generatePolynomial({ samples: 100, noise: 0, seed: 3, degree: 3 });
    for (let i = 0; i < poly.samples; i++) {
      const x = poly.features[i]!;
      expect(Math.abs(x)).toBeLessThanOrEqual(1);
      expect(poly.targets![i]).toBeCloseTo(1 - x / 2 + (x * x) / 3 - (x * x * x) / 4, 14);
    }
    expect(() => generatePolynomial({ samples: 10, noise: 0, seed: 1, degree: 0 })).toThrow(
      /dataset.degree 0/,
    );
  });
});
