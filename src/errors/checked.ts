/**
 * Checked access where the types cannot prove a value present (a Map lookup, an index into an
 * array that another value sized): a missing value is a broken invariant of qplane, reported
 * as QPLANE_ERR_INTERNAL naming what was expected, not as a TypeError somewhere further on.
 * Input that can really be wrong (files, requests, flags) gets its own 4xx error at its site.
 */

import { QplaneError } from "./catalogue.js";
import { describeValue } from "./describe.js";

/** The error for an expected value that is missing: `internal: <what> is missing`. */
export function missingValue(what: string): QplaneError {
  return new QplaneError("QPLANE_ERR_INTERNAL", `internal: ${what} is missing`);
}

/** `value`, or QPLANE_ERR_INTERNAL naming `what` when it is undefined or null. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw missingValue(what);
  return value;
}

/** `items[index]`, or QPLANE_ERR_INTERNAL naming `what`, the index and the length. */
export function at<T>(items: ArrayLike<T>, index: number, what: string): T {
  const value = items[index];
  if (value === undefined) {
    throw missingValue(`${what} at index ${index} (of ${items.length})`);
  }
  return value;
}

/** `map.get(key)`, or QPLANE_ERR_INTERNAL naming `what` and the key. */
export function required<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw missingValue(`${what} for ${describeValue(key)}`);
  return value;
}
