/**
 * Per-tensor, per-channel and per-group scaling (formats.md §1 and §3), symmetric or asymmetric.
 *
 * Symmetric, per range (tensor / channel / group): scale = absmax / qmax rounded (rne, saturating) to
 * the scale format; each element is encode(clamp(v / scale, −qmax, qmax)) in the element format, with
 * the quantize call's rounding rule. Clamping first makes int4 use ±7, never −8.
 * Asymmetric (integer elements of N bits): with mn, mx the range's extremes (widened to include 0 when
 * mn = mx, so a constant range is exact), scale = (mx − mn)/(2^N − 1) rounded to the scale format,
 * zp = clamp(rne(−mn / scale), 0, 2^N − 1), q = clamp(round(v / scale) + zp, 0, 2^N − 1).
 * Dequantization: v' = decode(code)·scale, or (q − zp)·scale.
 *
 * Arithmetic: the quotient v / scale is a float64 division (one rounding), then the element encode
 * rounds once more; scale values are decoded exactly, and the dequantized products are exact in float64
 * for element and scale significands up to 24 bits. A scale the scale format cannot hold (it rounds to 0,
 * or exceeds the format's largest value) is refused (scale-check.ts) instead of zeroing or clipping the
 * range.
 */
import type { ScaledScheme, Granularity } from './scheme.js';
import { symmetricQmax } from './scheme.js';
import { blockRanges, channelRanges, shapeSize, wholeRange, type Ranges } from './tensor.js';
import { elementCodec } from './element-codec.js';
import { roundToInteger } from './integer-rounding.js';
import { codeArray, type QuantContext, type QuantParts, type ScaleRole } from './quantized.js';
import { checkScale, rangeName } from './scale-check.js';

/** The element ranges that share one scale. */
export function granularityRanges(shape: readonly number[], g: Granularity): Ranges {
  switch (g.kind) {
    case 'tensor':
      return wholeRange(shapeSize(shape));
    case 'channel':
      return channelRanges(shape);
    case 'group':
      return blockRanges(shape, g.size);
    default: {
      const never: never = g;
      return never;
    }
  }
}

function roleOf(g: Granularity): ScaleRole {
  return g.kind;
}

export function quantizeScaled(data: ArrayLike<number>, shape: readonly number[], s: ScaledScheme, ctx: QuantContext): QuantParts {
  const { starts, ends } = granularityRanges(shape, s.granularity);
  const nr = starts.length;
  const scaleCodec = elementCodec(s.scaleFormat);
  const scaleCodes = new Uint32Array(nr);
  const scaleValues = new Float64Array(nr);
  if (s.mode === 'symmetric') {
    const codec = elementCodec(s.element);
    const qmax = symmetricQmax(s);
    const qmin = s.element.min >= 0 ? 0 : -qmax;
    const codes = codeArray(data.length, s.element.bits);
    for (let r = 0; r < nr; r++) {
      let amax = 0;
      for (let i = starts[r]; i < ends[r]; i++) amax = Math.max(amax, Math.abs(data[i]));
      const sc = scaleCodec.encode(amax / qmax);
      const scale = scaleCodec.decode(sc);
      checkScale(amax / qmax, scale, s.scaleFormat, rangeName(s.granularity.kind, r));
      scaleCodes[r] = sc;
      scaleValues[r] = scale;
      for (let i = starts[r]; i < ends[r]; i++) {
        let y = scale > 0 ? data[i] / scale : 0;
        if (y > qmax) y = qmax;
        else if (y < qmin) y = qmin;
        codes[i] = codec.encode(y, ctx.rounding, ctx.random);
      }
    }
    return { codes, codeBits: s.element.bits, scales: [{ role: roleOf(s.granularity), format: s.scaleFormat.name, codes: scaleCodes, values: scaleValues }] };
  }
  const bits = s.element.bits;
  const top = 2 ** bits - 1;
  const codes = codeArray(data.length, bits);
  const zeroPoints = new Uint32Array(nr);
  for (let r = 0; r < nr; r++) {
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = starts[r]; i < ends[r]; i++) {
      mn = Math.min(mn, data[i]);
      mx = Math.max(mx, data[i]);
    }
    if (mn === mx) {
      mn = Math.min(mn, 0);
      mx = Math.max(mx, 0);
    }
    const raw = mx > mn ? (mx - mn) / top : 1;
    const sc = scaleCodec.encode(raw);
    const scale = scaleCodec.decode(sc);
    checkScale(raw, scale, s.scaleFormat, rangeName(s.granularity.kind, r));
    scaleCodes[r] = sc;
    scaleValues[r] = scale;
    if (!(scale > 0)) continue; // codes and zero point stay 0: the range dequantizes to 0
    const zp = clampInt(roundToInteger(-mn / scale, 'rne'), 0, top);
    zeroPoints[r] = zp;
    for (let i = starts[r]; i < ends[r]; i++) {
      codes[i] = clampInt(roundToInteger(data[i] / scale, ctx.rounding, ctx.random) + zp, 0, top);
    }
  }
  return {
    codes,
    codeBits: bits,
    scales: [{ role: roleOf(s.granularity), format: s.scaleFormat.name, codes: scaleCodes, values: scaleValues }],
    zeroPoints,
  };
}

function clampInt(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function dequantizeScaled(parts: QuantParts, shape: readonly number[], s: ScaledScheme): Float64Array {
  const { starts, ends } = granularityRanges(shape, s.granularity);
  const out = new Float64Array(parts.codes.length);
  const scales = parts.scales[0].values;
  const codes = parts.codes;
  if (s.mode === 'symmetric') {
    const codec = elementCodec(s.element);
    for (let r = 0; r < starts.length; r++) {
      const scale = scales[r];
      for (let i = starts[r]; i < ends[r]; i++) out[i] = codec.decode(codes[i]) * scale;
    }
  } else {
    const zps = parts.zeroPoints as Uint32Array;
    for (let r = 0; r < starts.length; r++) {
      const scale = scales[r];
      const zp = zps[r];
      for (let i = starts[r]; i < ends[r]; i++) out[i] = (codes[i] - zp) * scale;
    }
  }
  return out;
}
