/**
 * BitMoD mixture-of-datatypes quantization (bitmod.md, formats.md §3): per group of g consecutive
 * elements along the last (reduction) dimension, try every candidate format and keep the one with the
 * least squared error; its index is the group's selector (ceil(log2 #candidates) bits).
 *
 * For candidate t with qmax_t = its largest magnitude (fp4_er: 6, fp4_ea: 8, fp3_er: 4, fp3_ea: 6):
 *   scale_t = absmax(group) / qmax_t, rounded (rne, saturating) to the scale format — the error is
 *   measured with the scale that is actually stored;
 *   each element rounds to the nearest level of t (rne, saturating), so for an EA type whose extra level
 *   lies on the other side of the group's absmax, values saturate at the base maximum;
 *   SSE_t = Σ (v − level·scale_t)².
 * The least SSE wins; ties go to the earlier candidate. SSEs are float64 sums; when two are within a
 * relative 1e-9 of each other the comparison is redone exactly (rational arithmetic over the elements
 * whose dequantized values differ), so the choice is exactly the min-MSE rule. Selection always uses rne; the chosen type's codes are then produced with
 * the call's rounding rule (so stochastic rounding never influences the selection).
 */
import { fromNumber, mul, add, sub, cmp, ZERO } from '../formats/rational.js';
import type { MixtureScheme } from './scheme.js';
import { selectorBits } from './scheme.js';
import { blockRanges } from './tensor.js';
import { elementCodec } from './element-codec.js';
import { codeArray, type QuantContext, type QuantParts } from './quantized.js';
import { checkScale, rangeName } from './scale-check.js';

/** Largest magnitude of a candidate's values: the qmax its absmax scaling maps to. */
export function candidateQmax(c: { readonly max: number; readonly min: number }): number {
  return Math.max(c.max, -c.min);
}

/**
 * Sign of SSE(a) − SSE(b) in exact arithmetic, for two dequantizations of the same values. Only the
 * elements where a and b differ contribute, so this is cheap: (v − a)² − (v − b)² = (b − a)(2v − a − b).
 */
function compareSseExactly(data: ArrayLike<number>, start: number, a: Float64Array, b: Float64Array, len: number): number {
  let diff = ZERO;
  for (let k = 0; k < len; k++) {
    if (a[k] === b[k]) continue;
    const ra = fromNumber(a[k]);
    const rb = fromNumber(b[k]);
    const v2 = fromNumber(data[start + k] * 2); // doubling a float64 is exact (no overflow for finite tensors here)
    diff = add(diff, mul(sub(rb, ra), sub(sub(v2, ra), rb)));
  }
  return cmp(diff, ZERO);
}

export function quantizeMixture(data: ArrayLike<number>, shape: readonly number[], s: MixtureScheme, ctx: QuantContext): QuantParts {
  const { starts, ends } = blockRanges(shape, s.groupSize);
  const ng = starts.length;
  const codecs = s.candidates.map(elementCodec);
  const qmaxes = s.candidates.map(candidateQmax);
  const scaleCodec = elementCodec(s.scaleFormat);
  const codeBits = Math.max(...s.candidates.map((c) => c.bits));
  const codes = codeArray(data.length, codeBits);
  const scaleCodes = new Uint32Array(ng);
  const scaleValues = new Float64Array(ng);
  const selectors = new Uint8Array(ng);
  const nc = codecs.length;
  const candScaleCodes = new Uint32Array(nc);
  const candScales = new Float64Array(nc);
  const trial = new Float64Array(s.groupSize);
  const bestDeq = new Float64Array(s.groupSize);
  for (let g = 0; g < ng; g++) {
    const start = starts[g];
    const end = ends[g];
    let amax = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(data[i]);
      if (a > amax) amax = a;
    }
    let best = 0;
    let bestSse = Infinity;
    const len = end - start;
    for (let t = 0; t < nc; t++) {
      const codec = codecs[t];
      const sc = scaleCodec.encode(amax / qmaxes[t]);
      const scale = scaleCodec.decode(sc);
      candScaleCodes[t] = sc;
      candScales[t] = scale;
      let sse = 0;
      for (let k = 0; k < len; k++) {
        const v = data[start + k];
        const approx = scale > 0 ? codec.decode(codec.encode(v / scale)) * scale : 0;
        trial[k] = approx;
        const d = v - approx;
        sse += d * d;
      }
      let better: boolean;
      if (t === 0) better = true;
      else if (Math.abs(sse - bestSse) <= 1e-9 * Math.max(sse, bestSse)) better = compareSseExactly(data, start, trial, bestDeq, len) < 0;
      else better = sse < bestSse;
      if (better) {
        best = t;
        bestSse = sse;
        bestDeq.set(trial.subarray(0, len));
      }
    }
    selectors[g] = best;
    const scale = candScales[best];
    checkScale(amax / qmaxes[best], scale, s.scaleFormat, rangeName('group', g));
    scaleCodes[g] = candScaleCodes[best];
    scaleValues[g] = scale;
    const codec = codecs[best];
    for (let i = start; i < end; i++) codes[i] = codec.encode(scale > 0 ? data[i] / scale : 0, ctx.rounding, ctx.random);
  }
  return {
    codes,
    codeBits,
    scales: [{ role: 'group', format: s.scaleFormat.name, codes: scaleCodes, values: scaleValues }],
    selectors: { bits: selectorBits(nc), values: selectors },
  };
}

export function dequantizeMixture(parts: QuantParts, shape: readonly number[], s: MixtureScheme): Float64Array {
  const { starts, ends } = blockRanges(shape, s.groupSize);
  const codecs = s.candidates.map(elementCodec);
  const sel = (parts.selectors as { values: Uint8Array }).values;
  const scales = parts.scales[0].values;
  const out = new Float64Array(parts.codes.length);
  for (let g = 0; g < starts.length; g++) {
    const codec = codecs[sel[g]];
    const scale = scales[g];
    for (let i = starts[g]; i < ends[g]; i++) out[i] = codec.decode(parts.codes[i]) * scale;
  }
  return out;
}
