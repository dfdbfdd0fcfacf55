/**
 * Crafted raw activations for the lowrank_gemm runtime quantizer's kernel tests (WGSL's qact pass and the
 * CUDA launcher's host `qact` mode): every group kind qact distinguishes, from a seeded LCG (no golden code).
 */
/**
 * Raw X codes [m × k] of a 16-bit branch format (ebits, mbits) built group by group to reach every qact
 * case: finite values in a random 4-binade window (ties and rounding-mode differences), the same with a NaN
 * or a ±inf, all ±0, subnormals only, the format's largest finite values, and the binades 2^(2−bias) and
 * 2^(3−bias) (with bf16 X: an fp32 scale just above or below the smallest normal, 2^−126). Seeded LCG, no golden code.
 */
export function craftedX(m: number, k: number, gs: number, ebits: number, mbits: number, seed: number): Uint32Array {
  let state = seed >>> 0;
  const rand = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * n);
  };
  const emax = 2 ** ebits - 2;
  const sign = 1 << (ebits + mbits);
  const code = (e: number, f: number): number => (rand(2) ? sign : 0) | (e << mbits) | f;
  const x = new Uint32Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let g = 0; g * gs < k; g++) {
      const kind = (i * 5 + g) % 7;
      const e0 = 1 + rand(emax - 4);
      for (let j = g * gs; j < Math.min(k, (g + 1) * gs); j++) {
        const v = kind === 3 ? code(0, 0) : kind === 4 ? code(0, rand(2 ** mbits)) : kind === 5 ? code(emax - rand(2), rand(2 ** mbits)) : kind === 6 ? code(2 + rand(2), rand(2 ** mbits)) : code(e0 + rand(4), rand(2 ** mbits));
        x[i * k + j] = v;
      }
      const at = i * k + g * gs + rand(Math.min(gs, k - g * gs));
      if (kind === 1) x[at] = ((emax + 1) << mbits) | (1 + rand(2 ** mbits - 1)); // NaN
      if (kind === 2) x[at] = code(emax + 1, 0); // ±inf
    }
  }
  return x;
}

