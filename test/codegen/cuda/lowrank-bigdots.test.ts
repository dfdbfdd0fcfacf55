/**
 * The `bigdots` CUDA verification case (sims/cuda/lowrank-bigdots.ts) exists to catch a kernel whose group dots are
 * not golden's round_fp16(d) (lr_wgmma's f16 accumulators, LR_WG_F16ACC, rely on the tensor core rounding them so).
 * That it can is checked here against golden's own quantization and group dots: every group dot is beyond fp16's
 * exact integers (|d| > 2048), about half need rounding, with both tie residues (d ≡ 1 and 3 mod 4, where nearest-even
 * and toward-zero disagree), and the rounding of d̂ changes the fp16 group chain of many outputs (an fp16 chain
 * written here from IEEE 754's definition on doubles, independent of golden's code).
 */
import { describe, expect, it } from 'vitest';
import { svdquantW4a4Config } from './svdquant-config.js';
import { lowRankActivationCodes, lowRankGroupDot } from '../../../src/pe/lowrank-gemm/golden.js';
import { lowRankBigDotOperands } from '../../../sims/cuda/lowrank-bigdots.js';


/** binary16 rounding of a double (normal range), to nearest even or toward zero. */
function f16(v: number, towardZero: boolean): number {
  if (v === 0) return 0;
  const e = Math.max(Math.floor(Math.log2(Math.abs(v))), -14);
  const q = v / 2 ** (e - 10), t = Math.trunc(q);
  if (towardZero || q === t) return t * 2 ** (e - 10);
  const r = Math.abs(q - t) === 0.5 ? (t % 2 === 0 ? t : t + Math.sign(q)) : Math.round(q);
  return r * 2 ** (e - 10);
}
const decodeF16 = (c: number): number => {
  const s = c & 0x8000 ? -1 : 1, e = (c >> 10) & 31, f = c & 1023;
  return s * (e === 0 ? f * 2 ** -24 : (1 + f / 1024) * 2 ** (e - 15));
};

describe('the bigdots verification case (CUDA, lowrank int4)', () => {
  it('has group dots that need fp16 rounding, both tie residues, and outputs that depend on that rounding', () => {
    const cfg = svdquantW4a4Config();
    const [m, n, k] = [64, 64, 256];
    const ops = lowRankBigDotOperands(cfg, m, n, k);
    const { qa, sa } = lowRankActivationCodes(cfg, ops);
    const G = k / cfg.main.groupSize;
    let beyond = 0, odd = 0, chainsDiffer = 0;
    const residues = new Set<number>();
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let even = 0, zero = 0;
        for (let g = 0; g < G; g++) {
          const d = lowRankGroupDot(cfg, qa, i * k + 64 * g, ops.qw, j * k + 64 * g, 64);
          if (Math.abs(d) > 2048) beyond++;
          if (Math.abs(d) > 2048 && d % 2 !== 0) { odd++; residues.add(((d % 4) + 4) % 4); }
          const s = f16(decodeF16(sa[i * G + g]) * decodeF16(ops.sw[j * G + g]), false);
          even = f16(even + f16(d, false) * s, false);
          zero = f16(zero + f16(d, true) * s, false);
        }
        if (even !== zero) chainsDiffer++;
      }
    const dots = m * n * G;
    expect(beyond).toBe(dots);
    expect(odd).toBeGreaterThan(0.4 * dots);
    expect([...residues].sort()).toEqual([1, 3]);
    expect(chainsDiffer).toBeGreaterThan(0.1 * m * n);
  });
});
