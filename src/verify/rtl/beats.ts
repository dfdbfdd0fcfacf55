/**
 * Helpers of the PE-level beat builders (each kind's src/pe/<folder>/vectors.ts): packing lane codes into
 * one port value, and which output element each expected row of the harness is.
 */

/** Packs `values` into one port value, value i in bits [i·width, (i+1)·width). */
export function packLanes(values: readonly number[], width: number): bigint {
  let w = 0n;
  values.forEach((v, i) => {
    w |= BigInt(v) << BigInt(i * width);
  });
  return w;
}

/**
 * Which output element each expected row is, rows in order m, then (`leading` rows that are no GEMM
 * output, −1, e.g. the low-rank branch's L[m, j]) followed by the n outputs of row m.
 */
export function outputRows(m: number, n: number, leading = 0): Int32Array {
  const rows = new Int32Array(m * (leading + n));
  let i = 0;
  for (let mi = 0; mi < m; mi++) {
    for (let j = 0; j < leading; j++) rows[i++] = -1;
    for (let ni = 0; ni < n; ni++) rows[i++] = mi * n + ni;
  }
  return rows;
}
