/**
 * BitMoD mixture selection against an independent brute force: for each group and each candidate (value
 * lists typed from bitmod.md), scale = f32(absmax / qmax), every element to its nearest level by exact
 * rational distance, exact rational SSE; the least SSE wins, ties to the earlier candidate.
 */
import { describe, expect, it } from 'vitest';
import { FP32 } from '../../src/formats/float.js';
import { add, cmp, fromNumber, mul, sub, abs, ZERO, type Rational } from '../../src/formats/rational.js';
import { bitmodScheme, BITMOD_FP3_CANDIDATES, BITMOD_FP4_CANDIDATES, quantize, selectorBits } from '../../src/quant/index.js';
import { testData } from './helpers.js';

const FP4_BASE = [0, 0.5, 1, 1.5, 2, 3, 4, 6].flatMap((m) => (m === 0 ? [0] : [m, -m]));
const FP3_BASE = [0, 1, 2, 4].flatMap((m) => (m === 0 ? [0] : [m, -m]));
/** bitmod.md: ER adds ±5 (fp4) / ±3 (fp3); EA adds ±8 / ±6. Order: er_pos, er_neg, ea_pos, ea_neg. */
const FP4_LEVELS = [5, -5, 8, -8].map((x) => [...FP4_BASE, x]);
const FP3_LEVELS = [3, -3, 6, -6].map((x) => [...FP3_BASE, x]);

interface OracleResult {
  selector: number;
  scale: number;
  deq: number[];
}

/** Brute force over candidates with exact arithmetic (fp32 scale rounding via Math.fround). */
function oracleGroup(values: number[], levels: number[][]): OracleResult {
  const amax = Math.max(...values.map(Math.abs));
  let best: { sse: Rational; r: OracleResult } | undefined;
  levels.forEach((lv, t) => {
    const qmax = Math.max(...lv.map(Math.abs));
    const scale = Math.fround(amax / qmax);
    const s = fromNumber(scale);
    let sse = ZERO;
    const deq: number[] = [];
    for (const v of values) {
      const x = fromNumber(v);
      let bestLevel = 0;
      let bestDist: Rational | undefined;
      for (const l of lv) {
        const dist = abs(sub(x, mul(fromNumber(l), s)));
        if (bestDist === undefined || cmp(dist, bestDist) < 0) {
          bestDist = dist;
          bestLevel = l;
        }
      }
      deq.push(bestLevel * scale);
      const d = sub(x, mul(fromNumber(bestLevel), s));
      sse = add(sse, mul(d, d));
    }
    if (best === undefined || cmp(sse, best.sse) < 0) best = { sse, r: { selector: t, scale, deq } };
  });
  return (best as { r: OracleResult }).r;
}

describe('BitMoD mixture of datatypes', () => {
  it('picks the min-MSE type of every group, as an exact brute force does (fp4 and fp3 sets)', () => {
    for (const [candidates, levels, seed] of [
      [BITMOD_FP4_CANDIDATES, FP4_LEVELS, 1],
      [BITMOD_FP3_CANDIDATES, FP3_LEVELS, 2],
    ] as const) {
      // 64 groups of 32 with skewed data so that every type wins somewhere.
      const g = 32;
      const data = testData(64 * g, seed, 7, 5);
      for (let i = 0; i < data.length; i++) if (Math.floor(i / g) % 3 === 1) data[i] = Math.abs(data[i]) - 0.3;
      const q = quantize({ shape: [4, 16 * g], data }, bitmodScheme(g, candidates, FP32));
      const seen = new Set<number>();
      for (let grp = 0; grp < 64; grp++) {
        const vals = [...data.slice(grp * g, (grp + 1) * g)];
        const o = oracleGroup(vals, levels as unknown as number[][]);
        expect(q.selectors?.values[grp], `group ${grp}`).toBe(o.selector);
        expect(q.scales[0].values[grp]).toBe(o.scale);
        expect([...q.dequantized.slice(grp * g, (grp + 1) * g)]).toEqual(o.deq);
        seen.add(o.selector);
      }
      expect(seen.size).toBeGreaterThanOrEqual(3);
    }
  });

  it('selects EA-neg for a group whose absmax is −8·s and lies on the EA grid', () => {
    // ea_neg: qmax 8, scale 1, every value is a level → SSE 0; ER types use scale 8/6 and err; ea_pos puts −8 at −6.
    const data = Float64Array.from([-8, 0.5, 1, 3, -4, 6, 2, -1.5]);
    const q = quantize({ shape: [8], data }, bitmodScheme(8, BITMOD_FP4_CANDIDATES, FP32));
    expect(q.selectors?.values[0]).toBe(3);
    expect(q.metrics.mse).toBe(0);
    // The −8 code is the negative-zero code 0x8 of the sign-magnitude layout.
    expect(q.codes[0]).toBe(0x8);
  });

  it('saturates an EA type at the base maximum when its extra level is on the other side', () => {
    // Only ea_pos here: absmax 8 is negative, scale 1, so −8 rounds to −6 (the base max), never +8.
    const data = Float64Array.from([-8, 1]);
    const q = quantize({ shape: [2], data }, bitmodScheme(2, [BITMOD_FP4_CANDIDATES[2], BITMOD_FP4_CANDIDATES[2]], FP32));
    expect([...q.dequantized]).toEqual([-6, 1]);
  });

  it('breaks exact ties toward the earlier candidate', () => {
    // No value near ±5 or ±8 levels: er_pos and er_neg give identical errors; scale = 6/6 = 1.
    const data = Float64Array.from([6, -6, 1, 0.5, 2, -3]);
    const q = quantize({ shape: [6], data }, bitmodScheme(6, BITMOD_FP4_CANDIDATES, FP32));
    expect(q.selectors?.values[0]).toBe(0);
    const swapped = [BITMOD_FP4_CANDIDATES[1], BITMOD_FP4_CANDIDATES[0]];
    const q2 = quantize({ shape: [6], data }, bitmodScheme(6, swapped, FP32));
    expect(q2.selectors?.values[0]).toBe(0);
  });

  it('decides near-ties exactly, including equal errors from different levels', () => {
    // Scale 6/6 = 1 for both ER types. [5, −5, 6]: er_pos misses −5 by 1, er_neg misses 5 by 1: equal SSE,
    // different dequantized values → the earlier candidate, in either order.
    const er = BITMOD_FP4_CANDIDATES.slice(0, 2);
    const tie = Float64Array.from([5, -5, 6]);
    expect(quantize({ shape: [3], data: tie }, bitmodScheme(3, er, FP32)).selectors?.values[0]).toBe(0);
    expect(quantize({ shape: [3], data: tie }, bitmodScheme(3, [er[1], er[0]], FP32)).selectors?.values[0]).toBe(0);
    // [−5, 5 − δ, −6] with δ = 2^-32: er_pos SSE = 1 + δ², er_neg SSE = (1 − δ)² — relatively 2^-31 apart,
    // inside the float64 near-tie band, so the exact comparison decides: er_neg (index 1).
    const d = 2 ** -32;
    const near = Float64Array.from([-5, 5 - d, -6]);
    expect(quantize({ shape: [3], data: near }, bitmodScheme(3, er, FP32)).selectors?.values[0]).toBe(1);
  });

  it('stores ceil(log2 n) selector bits', () => {
    expect([2, 3, 4, 5, 8, 9].map(selectorBits)).toEqual([1, 2, 2, 3, 3, 4]);
    const q = quantize({ shape: [256], data: testData(256, 3) }, bitmodScheme(128));
    expect(q.selectors?.bits).toBe(2);
    expect(q.selectors?.values.length).toBe(2);
    expect(q.scales[0].format).toBe('fp16');
  });
});
