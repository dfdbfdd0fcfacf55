/**
 * Error metrics between a golden (hardware-exact) result and the float64 ideal, so users see what a
 * datapath's arithmetic costs them: max absolute error, relative Frobenius error ‖g − i‖_F / ‖i‖_F, and
 * SQNR = 10·log10(Σ i² / Σ (g − i)²) dB. Pairs where either side is not finite are skipped and counted.
 */

export interface ErrorMetrics {
  /** Pairs compared (both finite). */
  readonly count: number;
  /** Pairs skipped because golden or ideal is NaN/±inf. */
  readonly nonFinite: number;
  readonly maxAbs: number;
  /** ‖g − i‖_F / ‖i‖_F; 0 when both are zero, Infinity when only the ideal is zero. */
  readonly relFrobenius: number;
  /** Signal-to-quantization-noise ratio in dB; Infinity when golden equals ideal. */
  readonly sqnrDb: number;
}

/** Metrics of `golden` against `ideal` (same length). */
export function errorMetrics(golden: ArrayLike<number>, ideal: ArrayLike<number>): ErrorMetrics {
  if (golden.length !== ideal.length) throw new RangeError(`errorMetrics: ${golden.length} vs ${ideal.length} values`);
  let count = 0;
  let nonFinite = 0;
  let maxAbs = 0;
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < golden.length; i++) {
    const g = golden[i];
    const r = ideal[i];
    if (!Number.isFinite(g) || !Number.isFinite(r)) {
      nonFinite++;
      continue;
    }
    count++;
    const e = g - r;
    maxAbs = Math.max(maxAbs, Math.abs(e));
    signal += r * r;
    noise += e * e;
  }
  const relFrobenius = noise === 0 ? 0 : signal === 0 ? Infinity : Math.sqrt(noise / signal);
  const sqnrDb = noise === 0 ? Infinity : signal === 0 ? -Infinity : 10 * Math.log10(signal / noise);
  return { count, nonFinite, maxAbs, relFrobenius, sqnrDb };
}
