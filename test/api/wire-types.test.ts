/**
 * The compile-time links of src/api/record-schemas.ts: `MatchesTraining` accepts a wire schema
 * whose fields are training's (null added, legacy fields optional) and refuses every kind of
 * drift. The refusals are `@ts-expect-error` lines: `npm run typecheck` fails if one compiles.
 */
import { describe, expect, it } from "vitest";
import type { Assert, MatchesTraining } from "../../src/api/record-schemas.js";
import { epochRecordSchema } from "../../src/api/record-schemas.js";
import { epochView } from "../../src/api/views.js";
import { fillerRecord } from "../helpers/records.js";

interface Trained {
  readonly loss: number;
  readonly accuracy?: number;
  readonly saturated: boolean;
}
type Wire<T> = MatchesTraining<T, Trained, "saturated">;

type Same = Assert<Wire<{ loss: number | null; accuracy?: number; saturated?: boolean }>>;
// @ts-expect-error a field training does not have
type Added = Assert<Wire<{ loss: number; accuracy?: number; saturated?: boolean; x: 1 }>>;
// @ts-expect-error a field of training's left out
type Dropped = Assert<Wire<{ loss: number; saturated?: boolean }>>;
// @ts-expect-error a field of another type
type Retyped = Assert<Wire<{ loss: string; accuracy?: number; saturated?: boolean }>>;
// @ts-expect-error optional on the wire where training always has it (and it is not legacy)
type Loosened = Assert<Wire<{ loss?: number; accuracy?: number; saturated?: boolean }>>;
// @ts-expect-error a legacy field must stay optional on the wire: older records lack it
type Tightened = Assert<Wire<{ loss: number; accuracy?: number; saturated: boolean }>>;

/** Every check above, so that each is used (an unused alias would satisfy its expect-error). */
type Checks = [Same, Added, Dropped, Retyped, Loosened, Tightened];

describe("the compile-time link of wire schemas to training's types", () => {
  it("is checked by the typecheck: one acceptance and five refusals", () => {
    const count: Checks["length"] = 6;
    expect(count).toBe(6);
  });
});

describe("the epoch record on the wire", () => {
  it("carries every field of a training record, a non-finite value as null", () => {
    const record = fillerRecord(2, {
      trainLoss: Number.NaN,
      testLoss: 0.5,
      learningRate: 0.05,
      ixt: 1.5,
      ity: 0.75,
      ht: 2,
      circuitEvaluations: 10,
      submissions: 2,
      elapsedMs: Number.POSITIVE_INFINITY,
    });
    const wire = epochRecordSchema.parse(JSON.parse(JSON.stringify(epochView(record))));
    expect(wire).toEqual({ ...record, trainLoss: null, elapsedMs: null });
  });
});
