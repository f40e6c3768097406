/**
 * Which runs are the same training on different backends (a device run and its calibrated
 * twin): their specs agree everywhere but in `backend.name` and the budgets, which choose
 * where the run happens and what it may spend, not what it computes (`backend.shots` does
 * change the estimates, so it stays). The hash is taken once, at submission, and stored in
 * the record with an index (keys.ts), so `GET /v1/jobs?specHash=` lists a run's comparables.
 */
import type { JobSpec } from "../training/spec.js";
import { canonicalJson, sha256 } from "./hashing.js";

/** A spec hash: 64 lowercase hex digits (SHA-256). */
export const SPEC_HASH_PATTERN = /^[0-9a-f]{64}$/;
export const SPEC_HASH_RULE = "64 lowercase hex digits, a job's `specHash`";

/** The spec without what only says where it runs. */
export function comparableSpec(spec: JobSpec): unknown {
  return { ...spec, backend: { shots: spec.backend.shots } };
}

export const specHashOf = (spec: JobSpec): string => sha256(canonicalJson(comparableSpec(spec)));
