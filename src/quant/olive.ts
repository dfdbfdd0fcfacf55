/**
 * OliVe outlier-victim pair quantization (formats.md §5; Guo et al., ISCA 2023), in qacc's exact form.
 *
 * Levels, in units of the range's scale s: normal elements are int4 × 4, i.e. 4k for −7 ≤ k ≤ 7
 * (4-bit two's complement code of k); outliers are an E2M1 "abfloat" with magnitudes
 * ABFLOAT = {48, 64, 96, 128, 192, 256, 384} (code = sign·8 | index 1..7). Elements are paired
 * (0,1), (2,3), … within each scale range; a lone last element of an odd range is always normal.
 *
 * Pair encoding of y = v / s: an element is an outlier when |y| > 38 (nearer to 48 than to 28). If neither
 * element of a pair is, both are normal: k = clamp(round(y / 4), −7, 7). Otherwise the one with the
 * larger |y| (the first on a tie) is the outlier: its magnitude rounds to ABFLOAT (below 48 → 48, above
 * 384 → 384, between neighbours by the rounding rule, rne ties to the even index = even mantissa); its
 * neighbour, the victim, becomes 0 and its code is 0x8 (the int4 code of −8, never used by normal
 * values), which tells the decoder that the other lane holds an abfloat.
 *
 * Scale per range: the candidate s_m = absmax / m for m = 384·2^(−j/2), j = 0..8 (384 down to 24),
 * rounded (rne) to the scale format, with the least squared error (rne encoding; ties: the earlier m).
 * This replaces OliVe's scale search with a fixed, documented grid.
 */
import type { RandomSource } from '../formats/random.js';
import type { Rounding } from '../formats/types.js';
import type { OliveScheme } from './scheme.js';
import { granularityRanges } from './scaled.js';
import { elementCodec } from './element-codec.js';
import { roundsUpBetween, roundToInteger } from './integer-rounding.js';
import type { QuantContext, QuantParts } from './quantized.js';
import { checkScale, rangeName } from './scale-check.js';

/** Outlier magnitudes for abfloat indices 1..7 (index 0 unused). */
export const OLIVE_ABFLOAT: readonly number[] = [0, 48, 64, 96, 128, 192, 256, 384];
/** The victim flag: code 0x8 in the lane next to an outlier. */
export const OLIVE_VICTIM = 0x8;
const OUTLIER_THRESHOLD = 38;
const SCALE_GRID: readonly number[] = Array.from({ length: 9 }, (_, j) => 384 * 2 ** (-j / 2));

/** Abfloat index (1..7) of magnitude a ≥ 0, saturating at both ends. */
function abfloatIndex(a: number, rounding: Rounding, random: RandomSource | undefined): number {
  if (a <= OLIVE_ABFLOAT[1]) return 1;
  if (a >= OLIVE_ABFLOAT[7]) return 7;
  let i = 1;
  while (OLIVE_ABFLOAT[i + 1] <= a) i++;
  const lo = OLIVE_ABFLOAT[i];
  if (a === lo) return i;
  // rne ties go to the even index (even mantissa of the E2M1 abfloat).
  return roundsUpBetween(a, lo, OLIVE_ABFLOAT[i + 1], i % 2 === 0, rounding, random) ? i + 1 : i;
}

function normalCode(y: number, rounding: Rounding, random: RandomSource | undefined): number {
  let k = roundToInteger(y / 4, rounding, random);
  if (k > 7) k = 7;
  else if (k < -7) k = -7;
  return k & 0xf;
}

/** Value (in scale units) of a lane's code, given whether that lane is the outlier of its pair. */
function laneValue(code: number, outlier: boolean): number {
  if (outlier) return (code & 0x8 ? -1 : 1) * OLIVE_ABFLOAT[code & 0x7];
  return code & 0x8 ? (code | ~0xf) * 4 : code * 4;
}

/** Encodes elements [start, end) at scale s into codes (4-bit values, one per element). */
function encodeRange(
  data: ArrayLike<number>,
  start: number,
  end: number,
  s: number,
  out: Uint8Array,
  rounding: Rounding,
  random: RandomSource | undefined,
): void {
  let i = start;
  for (; i + 1 < end; i += 2) {
    const y0 = s > 0 ? data[i] / s : 0;
    const y1 = s > 0 ? data[i + 1] / s : 0;
    const a0 = Math.abs(y0);
    const a1 = Math.abs(y1);
    if (a0 <= OUTLIER_THRESHOLD && a1 <= OUTLIER_THRESHOLD) {
      out[i] = normalCode(y0, rounding, random);
      out[i + 1] = normalCode(y1, rounding, random);
    } else if (a0 >= a1) {
      out[i] = (y0 < 0 ? 0x8 : 0) | abfloatIndex(a0, rounding, random);
      out[i + 1] = OLIVE_VICTIM;
    } else {
      out[i] = OLIVE_VICTIM;
      out[i + 1] = (y1 < 0 ? 0x8 : 0) | abfloatIndex(a1, rounding, random);
    }
  }
  if (i < end) {
    const y = s > 0 ? data[i] / s : 0;
    out[i] = normalCode(Math.max(-28, Math.min(28, y)), rounding, random);
  }
}

/** Decodes codes [start, end) at scale s into out (the pairing of encodeRange). */
function decodeRange(codes: ArrayLike<number>, start: number, end: number, s: number, out: Float64Array): void {
  let i = start;
  for (; i + 1 < end; i += 2) {
    const c0 = codes[i];
    const c1 = codes[i + 1];
    if (c1 === OLIVE_VICTIM) {
      out[i] = laneValue(c0, true) * s;
      out[i + 1] = 0;
    } else if (c0 === OLIVE_VICTIM) {
      out[i] = 0;
      out[i + 1] = laneValue(c1, true) * s;
    } else {
      out[i] = laneValue(c0, false) * s;
      out[i + 1] = laneValue(c1, false) * s;
    }
  }
  if (i < end) out[i] = laneValue(codes[i], false) * s;
}

export function quantizeOlive(data: ArrayLike<number>, shape: readonly number[], s: OliveScheme, ctx: QuantContext): QuantParts {
  const { starts, ends } = granularityRanges(shape, s.granularity);
  const nr = starts.length;
  const scaleCodec = elementCodec(s.scaleFormat);
  const codes = new Uint8Array(data.length);
  const scaleCodes = new Uint32Array(nr);
  const scaleValues = new Float64Array(nr);
  const trial = new Float64Array(data.length);
  for (let r = 0; r < nr; r++) {
    const start = starts[r];
    const end = ends[r];
    let amax = 0;
    for (let i = start; i < end; i++) amax = Math.max(amax, Math.abs(data[i]));
    let bestCode = scaleCodec.encode(amax / SCALE_GRID[0]);
    let bestSse = Infinity;
    let bestM = SCALE_GRID[0];
    for (const m of SCALE_GRID) {
      const sc = scaleCodec.encode(amax / m);
      const scale = scaleCodec.decode(sc);
      encodeRange(data, start, end, scale, codes, 'rne', undefined);
      decodeRange(codes, start, end, scale, trial);
      let sse = 0;
      for (let i = start; i < end; i++) {
        const d = data[i] - trial[i];
        sse += d * d;
      }
      if (sse < bestSse) {
        bestSse = sse;
        bestCode = sc;
        bestM = m;
      }
    }
    const scale = scaleCodec.decode(bestCode);
    checkScale(amax / bestM, scale, s.scaleFormat, rangeName(s.granularity.kind, r));
    scaleCodes[r] = bestCode;
    scaleValues[r] = scale;
    encodeRange(data, start, end, scale, codes, ctx.rounding, ctx.random);
  }
  return { codes, codeBits: 4, scales: [{ role: s.granularity.kind, format: s.scaleFormat.name, codes: scaleCodes, values: scaleValues }] };
}

export function dequantizeOlive(parts: QuantParts, shape: readonly number[], s: OliveScheme): Float64Array {
  const { starts, ends } = granularityRanges(shape, s.granularity);
  const out = new Float64Array(parts.codes.length);
  const scales = parts.scales[0].values;
  for (let r = 0; r < starts.length; r++) decodeRange(parts.codes, starts[r], ends[r], scales[r], out);
  return out;
}
