/**
 * Deterministic "natural" ordering for class names, independent of locale and ICU data:
 * if every name is a decimal number, names sort by numeric value; otherwise names are split
 * into digit and non-digit runs, digit runs compare by value ("item2" < "item10") and other
 * runs by UTF-16 code units. Remaining ties (e.g. "01" vs "1") fall back to plain code-unit
 * order, so the order is total.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RUNS = /\d+|\D+/g;

function codeUnitCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareDigitRuns(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  return x.length !== y.length ? x.length - y.length : codeUnitCompare(x, y);
}

/** Natural comparison of two strings (see module comment). */
export function compareNatural(a: string, b: string): number {
  const runsA = a.match(RUNS) ?? [];
  const runsB = b.match(RUNS) ?? [];
  const shared = Math.min(runsA.length, runsB.length);
  for (let i = 0; i < shared; i++) {
    const x = runsA[i]!;
    const y = runsB[i]!;
    const xDigits = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const yDigits = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    const order = xDigits && yDigits ? compareDigitRuns(x, y) : codeUnitCompare(x, y);
    if (order !== 0) return order;
  }
  return runsA.length - runsB.length || codeUnitCompare(a, b);
}

/** Distinct names in natural order; all-numeric name sets sort by value. */
export function sortClassNames(names: Iterable<string>): string[] {
  const distinct = [...new Set(names)];
  if (distinct.length > 0 && distinct.every((name) => DECIMAL.test(name))) {
    return distinct.sort((a, b) => Number(a) - Number(b) || codeUnitCompare(a, b));
  }
  return distinct.sort(compareNatural);
}
