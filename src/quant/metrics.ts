/**
 * Error metrics of a dequantized tensor against its input: mean squared error, signal-to-quantization-
 * noise ratio in dB (10·log10(Σx² / Σ(x − x')²)), and the largest absolute error. Sums are float64 with
 * Neumaier compensation, so they are accurate to a few ulps even over millions of elements.
 */

export interface QuantMetrics {
  readonly mse: number;
  /** +Infinity when the error is zero; −Infinity when the signal is zero but the error is not. */
  readonly sqnrDb: number;
  readonly maxAbsError: number;
}

/** Metrics of `approx` against `exact` (same length, at least one element). */
export function computeMetrics(exact: ArrayLike<number>, approx: ArrayLike<number>): QuantMetrics {
  const n = exact.length;
  let sig = 0;
  let sigC = 0;
  let err = 0;
  let errC = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const x = exact[i];
    const d = x - approx[i];
    const x2 = x * x;
    const d2 = d * d;
    // Neumaier summation of x² and d².
    let t = sig + x2;
    sigC += Math.abs(sig) >= x2 ? sig - t + x2 : x2 - t + sig;
    sig = t;
    t = err + d2;
    errC += Math.abs(err) >= d2 ? err - t + d2 : d2 - t + err;
    err = t;
    const ad = Math.abs(d);
    if (ad > maxAbs) maxAbs = ad;
  }
  const sumSig = sig + sigC;
  const sumErr = err + errC;
  let sqnrDb: number;
  if (sumErr === 0) sqnrDb = Infinity;
  else if (sumSig === 0) sqnrDb = -Infinity;
  else sqnrDb = 10 * Math.log10(sumSig / sumErr);
  return { mse: sumErr / n, sqnrDb, maxAbsError: maxAbs };
}
