/** Axis options shared by the charts: whole-number epoch ticks, tick labels with the decimals
 * their spacing needs (uPlot's default can print 0.137 twice for 0.1365 and 0.1370). */
import type uPlot from "uplot";

/** Epoch tick spacings: never a fractional epoch. */
export const EPOCH_INCREMENTS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000,
  100_000,
];

/** Tick labels with as many decimals as the tick increment needs. */
export const tickValues: uPlot.Axis.DynamicValues = (_u, splits, _axis, _space, increment) => {
  const decimals =
    increment > 0 ? Math.min(10, Math.max(0, Math.ceil(-Math.log10(increment) - 1e-9))) : 0;
  return splits.map((value) => value.toFixed(decimals));
};
