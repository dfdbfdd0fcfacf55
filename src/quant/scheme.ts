/**
 * Quantization schemes as typed values: a tagged union over `kind`, one member per block-scaling
 * family of formats.md §3. A scheme holds the format objects it uses (never format names), so it is
 * complete on its own; `describeScheme` prints it back in the `--block` grammar of block-spec.ts.
 *
 * | kind          | what shares a scale                         | scale storage                          |
 * |---------------|---------------------------------------------|----------------------------------------|
 * | `scaled`      | the tensor, each channel (axis 0), or each group of g along the last dim | `scaleFormat`, optional zero point |
 * | `mx`          | blocks of 32 along the last dim (OCP MX v1.0) | e8m0 power of two                    |
 * | `nvfp4`       | blocks of 16                                | fp8_e4m3 block scale × fp32 tensor scale |
 * | `double-quant`| blocks of 64 (QLoRA)                        | 8-bit constants in blocks of 256 + fp32 |
 * | `mixture`     | groups of g (BitMoD), one type per group    | `scaleFormat` + selector bits          |
 * | `olive`       | outlier-victim pairs, scale per range       | `scaleFormat`                          |
 * | `hadamard`    | rotates blocks of 2^k, then applies `inner` | those of `inner`                       |
 */
import type { NumberFormatBase } from '../formats/types.js';
import { QuantError } from './errors.js';

/** Which elements share one scale in a `scaled` or `olive` scheme. */
export type Granularity =
  | { readonly kind: 'tensor' }
  /** One scale per index of axis 0 (output channel of a weight [N, K]). */
  | { readonly kind: 'channel' }
  /** One scale per `size` consecutive elements along the last (reduction) dimension of each row. */
  | { readonly kind: 'group'; readonly size: number };

/**
 * Integer-style scaling with a scale per tensor, channel or group.
 * - `symmetric`: scale = absmax / qmax, codes = element.encode(clamp(v / scale, ±qmax)). qmax is
 *   `clip` when given, else the element's largest magnitude usable on both sides: for two's complement
 *   ints 2^(N−1) − 1 (int4 → ±7, formats.md §1), for other signed formats min(max, −min), for unsigned
 *   formats max (negative inputs then clamp to 0).
 * - `asymmetric` (integer elements only, formats.md §1): scale = (max − min)/(2^N − 1),
 *   zp = clamp(round(−min/scale), 0, 2^N − 1), q = clamp(round(v/scale) + zp, 0, 2^N − 1), v' = (q − zp)·scale;
 *   codes are the unsigned q (as in uintN) and the zero points are stored per scale.
 */
export interface ScaledScheme {
  readonly kind: 'scaled';
  readonly granularity: Granularity;
  readonly element: NumberFormatBase;
  readonly scaleFormat: NumberFormatBase;
  readonly mode: 'symmetric' | 'asymmetric';
  /** Symmetric only: the clip magnitude qmax (must be a value of the element format). */
  readonly clip?: number;
}

/** OCP Microscaling v1.0: element format + e8m0 shared scale per block (32 in the spec). */
export interface MxScheme {
  readonly kind: 'mx';
  /** fp8_e4m3, fp8_e5m2, fp6_e2m3, fp6_e3m2, fp4_e2m1, or int8 (MX-INT8, implicit 2^-6); any format works. */
  readonly element: NumberFormatBase;
  readonly blockSize: number;
}

/** NVFP4: fp4_e2m1 elements, fp8_e4m3 block scales (block 16), one fp32 tensor scale. */
export interface Nvfp4Scheme {
  readonly kind: 'nvfp4';
  readonly element: NumberFormatBase;
  readonly blockScaleFormat: NumberFormatBase;
  readonly blockSize: number;
}

/**
 * QLoRA double quantization: element codes (nf4) with an absmax per block (64); the absmax constants,
 * minus their fp32 mean, are quantized to 8 bits (bitsandbytes dynamic map) with an fp32 absmax per
 * constant block (256).
 */
export interface DoubleQuantScheme {
  readonly kind: 'double-quant';
  readonly element: NumberFormatBase;
  readonly blockSize: number;
  readonly constantFormat: NumberFormatBase;
  readonly constantBlockSize: number;
}

/** BitMoD mixture of datatypes: per group, the candidate with least MSE after absmax scaling. */
export interface MixtureScheme {
  readonly kind: 'mixture';
  /** 2 or more candidate formats; the selector is the index into this list. */
  readonly candidates: readonly NumberFormatBase[];
  readonly groupSize: number;
  readonly scaleFormat: NumberFormatBase;
}

/**
 * OliVe outlier-victim pairs (formats.md §5): normal values int4 ×4 (levels 4k, |k| ≤ 7), outliers in
 * an E2M1 "abfloat" with magnitudes {48, 64, 96, 128, 192, 256, 384}, all times a scale per range. In a
 * pair holding an outlier the neighbour (the victim) becomes 0 and its code 0x8 flags the outlier.
 */
export interface OliveScheme {
  readonly kind: 'olive';
  readonly granularity: Granularity;
  readonly scaleFormat: NumberFormatBase;
}

/**
 * Random Hadamard transform, then `inner`: each block of `blockSize` = 2^k elements along the last dim
 * becomes H·D·x/√b, with D = diag(±1) drawn from `seed` (the same signs for every block).
 */
export interface HadamardScheme {
  readonly kind: 'hadamard';
  readonly blockSize: number;
  readonly seed: number;
  readonly inner: Exclude<QuantScheme, HadamardScheme>;
}

export type QuantScheme =
  | ScaledScheme
  | MxScheme
  | Nvfp4Scheme
  | DoubleQuantScheme
  | MixtureScheme
  | OliveScheme
  | HadamardScheme;

export type QuantSchemeKind = QuantScheme['kind'];

/** The symmetric clip magnitude qmax of a `scaled` scheme (see ScaledScheme). */
export function symmetricQmax(scheme: ScaledScheme): number {
  if (scheme.clip !== undefined) return scheme.clip;
  const e = scheme.element;
  if (e.min >= 0) return e.max;
  if (e.kind === 'int') return e.max; // two's complement: max = 2^(N-1) - 1 < -min
  return Math.min(e.max, -e.min);
}

function describeGranularity(g: Granularity): string {
  switch (g.kind) {
    case 'tensor':
      return 'tensor';
    case 'channel':
      return 'channel';
    case 'group':
      return `group:${g.size}`;
    default: {
      const never: never = g;
      return never;
    }
  }
}

/**
 * The scheme in the `--block` grammar (block-spec.ts), with every default spelled out, plus the element
 * format where the grammar takes it from `--format`, e.g. `group:128,scale=fp16,sym,clip=7 (int4)`.
 */
export function describeScheme(s: QuantScheme): string {
  switch (s.kind) {
    case 'scaled': {
      const mode = s.mode === 'symmetric' ? `sym,clip=${symmetricQmax(s)}` : 'asym';
      return `${describeGranularity(s.granularity)},scale=${s.scaleFormat.name},${mode} (${s.element.name})`;
    }
    case 'mx':
      return `mx:${s.blockSize} (${s.element.name})`;
    case 'nvfp4':
      return `nvfp4:${s.blockSize},scale=${s.blockScaleFormat.name} (${s.element.name})`;
    case 'double-quant':
      return `qlora:${s.blockSize}:${s.constantBlockSize},constants=${s.constantFormat.name} (${s.element.name})`;
    case 'mixture':
      return `bitmod:${s.groupSize},scale=${s.scaleFormat.name},candidates=${s.candidates.map((c) => c.name).join('|')}`;
    case 'olive': {
      const g = s.granularity.kind === 'group' ? `olive:${s.granularity.size}` : s.granularity.kind === 'tensor' ? 'olive,tensor' : 'olive';
      return `${g},scale=${s.scaleFormat.name}`;
    }
    case 'hadamard':
      return `hadamard:${s.blockSize},seed=${s.seed}+${describeScheme(s.inner)}`;
    default: {
      const never: never = s;
      return never;
    }
  }
}

/** A JSON-ready summary of a scheme: its kind, `describeScheme` text, and parameters with format names. */
export function schemeSummary(s: QuantScheme): Record<string, unknown> {
  const base = { kind: s.kind, spec: describeScheme(s) };
  switch (s.kind) {
    case 'scaled':
      return { ...base, granularity: s.granularity, element: s.element.name, scaleFormat: s.scaleFormat.name, mode: s.mode, ...(s.mode === 'symmetric' ? { clip: symmetricQmax(s) } : {}) };
    case 'mx':
      return { ...base, element: s.element.name, blockSize: s.blockSize, scaleFormat: 'e8m0' };
    case 'nvfp4':
      return { ...base, element: s.element.name, blockSize: s.blockSize, blockScaleFormat: s.blockScaleFormat.name, tensorScaleFormat: 'fp32' };
    case 'double-quant':
      return { ...base, element: s.element.name, blockSize: s.blockSize, constantFormat: s.constantFormat.name, constantBlockSize: s.constantBlockSize };
    case 'mixture':
      return { ...base, candidates: s.candidates.map((c) => c.name), groupSize: s.groupSize, scaleFormat: s.scaleFormat.name, selectorBits: selectorBits(s.candidates.length) };
    case 'olive':
      return { ...base, granularity: s.granularity, scaleFormat: s.scaleFormat.name };
    case 'hadamard':
      return { ...base, blockSize: s.blockSize, seed: s.seed, inner: schemeSummary(s.inner) };
    default: {
      const never: never = s;
      return never;
    }
  }
}

/** Selector width for a mixture of n candidates: ceil(log2 n) bits. */
export function selectorBits(n: number): number {
  let bits = 0;
  while (1 << bits < n) bits++;
  return bits;
}

/** True when x is exactly one of the format's values. */
function isValueOf(f: NumberFormatBase, x: number): boolean {
  try {
    return f.decode(f.encode(x, { overflow: 'saturate' })) === x;
  } catch {
    return false;
  }
}

function checkSize(what: string, n: number, max = 1 << 24): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new QuantError('bad-scheme', `${what} must be an integer in 1..${max}, got ${n}`);
}

/** Checks a scheme's parameters; throws QuantError('bad-scheme') naming the first problem. */
export function validateScheme(s: QuantScheme): void {
  switch (s.kind) {
    case 'scaled': {
      if (s.granularity.kind === 'group') checkSize('group size', s.granularity.size);
      if (s.mode === 'asymmetric') {
        if (s.element.kind !== 'int') throw new QuantError('bad-scheme', `asymmetric quantization needs an integer element format, not ${s.element.name}`);
        if (s.clip !== undefined) throw new QuantError('bad-scheme', 'clip applies to symmetric quantization only');
      }
      if (s.clip !== undefined) {
        if (!(s.clip > 0) || !Number.isFinite(s.clip)) throw new QuantError('bad-scheme', `clip must be a positive number, got ${s.clip}`);
        const signed = s.element.min < 0;
        if (!isValueOf(s.element, s.clip) || (signed && !isValueOf(s.element, -s.clip))) {
          throw new QuantError('bad-scheme', `clip ${s.clip} is not a value${signed ? ' (with its negative)' : ''} of ${s.element.name}`);
        }
      }
      return;
    }
    case 'mx':
      checkSize('MX block size', s.blockSize);
      if (!(s.element.max > 0)) throw new QuantError('bad-scheme', `${s.element.name} has no positive values to scale into`);
      return;
    case 'nvfp4':
      checkSize('NVFP4 block size', s.blockSize);
      if (!(s.element.max > 0) || !(s.blockScaleFormat.max > 0)) throw new QuantError('bad-scheme', 'NVFP4 formats need positive maxima');
      return;
    case 'double-quant':
      checkSize('block size', s.blockSize);
      checkSize('constant block size', s.constantBlockSize);
      if (!(s.element.min < 0) || !(s.element.max > 0)) {
        throw new QuantError('bad-scheme', `QLoRA scales signed blocks by their absmax: the element format needs positive and negative values, which ${s.element.name} lacks`);
      }
      return;
    case 'mixture':
      checkSize('group size', s.groupSize);
      if (s.candidates.length < 2 || s.candidates.length > 256) throw new QuantError('bad-scheme', `a mixture needs 2..256 candidate formats, got ${s.candidates.length}`);
      for (const c of s.candidates) if (!(Math.max(c.max, -c.min) > 0)) throw new QuantError('bad-scheme', `${c.name} has no nonzero values`);
      return;
    case 'olive':
      if (s.granularity.kind === 'group') {
        checkSize('group size', s.granularity.size);
        if (s.granularity.size % 2 !== 0) throw new QuantError('bad-scheme', `OliVe pairs elements, so its group size must be even, got ${s.granularity.size}`);
      }
      return;
    case 'hadamard':
      checkSize('Hadamard block size', s.blockSize, 1 << 16);
      if ((s.blockSize & (s.blockSize - 1)) !== 0) throw new QuantError('bad-scheme', `Hadamard block size must be a power of two, got ${s.blockSize}`);
      if (!Number.isSafeInteger(s.seed)) throw new QuantError('bad-scheme', `Hadamard seed must be an integer, got ${s.seed}`);
      if ((s.inner as QuantScheme).kind === 'hadamard') throw new QuantError('bad-scheme', 'Hadamard rotations do not nest');
      validateScheme(s.inner);
      return;
    default: {
      const never: never = s;
      return never;
    }
  }
}
