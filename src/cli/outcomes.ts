/**
 * Formatting of register outcomes for people and tools. Outcome index t = Σ c[i]·2^i;
 * its bitstring is written with c[0] rightmost (IBM's order), padded to the register width.
 */
export function outcomeBitstring(outcome: number, width: number): string {
  return width === 0 ? "" : outcome.toString(2).padStart(width, "0");
}

/**
 * JSON object text of the non-zero entries keyed by bitstring, in increasing outcome order.
 * (Written by hand because JS objects list integer-like keys such as "10" before "01".)
 */
export function bitstringJson(values: ArrayLike<number>, width: number): string {
  const entries: string[] = [];
  for (let outcome = 0; outcome < values.length; outcome++) {
    const value = values[outcome]!;
    if (value !== 0)
      entries.push(`${JSON.stringify(outcomeBitstring(outcome, width))}:${JSON.stringify(value)}`);
  }
  return `{${entries.join(",")}}`;
}
