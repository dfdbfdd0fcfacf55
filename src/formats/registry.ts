/**
 * The format registry: turns a format spec (what users type on the command line or in a `.qacc` file)
 * into a typed format, once; everything downstream works with the format value.
 *
 * Specs, tried in this order:
 * - a canonical name: `int2`…`int32`, `uint2`…`uint32`, the named fp/posit/lookup formats
 *   (`listFormats()`), and `posit<n>_<es>` for any valid (n, es); names are case-insensitive;
 * - a parameterized spec: `fp(E, M[, bias[, variant]])` (positional or `e=`, `m=`, `bias=`, `variant=`),
 *   `posit(n, es)` (or `n=`, `es=`), `lut([v0, v1, …])`. A parameterized spec equal to a named format
 *   returns that named format (so `fp(4, 3, 7, fn)` is `fp8_e4m3`).
 * Anything else is FormatError('unknown-format') naming the closest canonical names by edit distance;
 * out-of-range parameters are FormatError('bad-parameter') from the format's own factory.
 *
 * Two widths of lookup: `lookupFormat` (designs, arithmetic, quantization: at most 32 bits; the named
 * wide formats are refused with FormatError('too-wide')) and `lookupWideFormat` (the `qacc formats`
 * decode/list commands: up to 64 bits — fp64, int64, uint64, posit64_2, intN/uintN, posit(n, es),
 * fp(E, M, …) — whose formats wider than 32 bits offer `decodeExact` only).
 */
import { editDistance } from './suggest.js';
import { FormatError, tooWide } from './errors.js';
import {
  BF16,
  E8M0,
  FLOAT_VARIANTS,
  FP16,
  FP3,
  FP32,
  FP4_E2M1,
  FP6_E2M3,
  FP6_E3M2,
  FP8_E4M3,
  FP8_E4M3FNUZ,
  FP8_E5M2,
  FP8_E5M2FNUZ,
  FP64,
  FloatFormat,
  fp,
  wideFp,
  type FloatVariant,
} from './float.js';
import { INT64, UINT64, intFormat, wideIntFormat } from './int.js';
import { LutFormat } from './lut.js';
import {
  BINARY,
  BITMOD_FP3_EA_NEG,
  BITMOD_FP3_EA_POS,
  BITMOD_FP3_ER_NEG,
  BITMOD_FP3_ER_POS,
  BITMOD_FP4_EA_NEG,
  BITMOD_FP4_EA_POS,
  BITMOD_FP4_ER_NEG,
  BITMOD_FP4_ER_POS,
  COMPLEX2,
  DYNAMIC8,
  FLINT4,
  NF4,
  TERNARY,
} from './named-luts.js';
import { POSIT16_1, POSIT16_2, POSIT32_2, POSIT4_1, POSIT64_2, POSIT8_0, POSIT8_2, posit, widePosit } from './posit.js';
import type { NumberFormat } from './index.js';

const INT_WIDTHS = Array.from({ length: 31 }, (_, i) => i + 2);

/**
 * Every named format in a stable order: the order of the format issue's list (ints, uints, floats and
 * e8m0, the named posits, then the lookup and special formats with fp3 where the issue places it).
 */
const NAMED: readonly NumberFormat[] = [
  ...INT_WIDTHS.map((n) => intFormat(n, true)),
  ...INT_WIDTHS.map((n) => intFormat(n, false)),
  FP8_E4M3,
  FP8_E5M2,
  FP8_E4M3FNUZ,
  FP8_E5M2FNUZ,
  FP6_E2M3,
  FP6_E3M2,
  FP4_E2M1,
  FP16,
  BF16,
  FP32,
  E8M0,
  POSIT4_1,
  POSIT8_0,
  POSIT16_1,
  POSIT8_2,
  POSIT16_2,
  POSIT32_2,
  NF4,
  BITMOD_FP4_ER_POS,
  BITMOD_FP4_ER_NEG,
  BITMOD_FP4_EA_POS,
  BITMOD_FP4_EA_NEG,
  BITMOD_FP3_ER_POS,
  BITMOD_FP3_ER_NEG,
  BITMOD_FP3_EA_POS,
  BITMOD_FP3_EA_NEG,
  FP3,
  FLINT4,
  TERNARY,
  BINARY,
  COMPLEX2,
  DYNAMIC8,
];

const BY_NAME = new Map<string, NumberFormat>(NAMED.map((f) => [f.name, f]));

/** The named formats wider than 32 bits (decodeExact only), in `qacc formats list` order. */
const WIDE_NAMED: readonly NumberFormat[] = [INT64, UINT64, FP64, POSIT64_2];
const WIDE_BY_NAME = new Map<string, NumberFormat>(WIDE_NAMED.map((f) => [f.name, f]));

/** All named formats of at most 32 bits, in a stable order (ints, uints, floats, e8m0, posits, lookup formats). */
export function listFormats(): NumberFormat[] {
  return [...NAMED];
}

/** The named formats wider than 32 bits (int64, uint64, fp64, posit64_2): they offer `decodeExact` only. */
export function listWideFormats(): NumberFormat[] {
  return [...WIDE_NAMED];
}

/** The factories of one lookup width: 32 bits (the ordinary ones) or 64 (decodeExact beyond 32). */
interface Factories {
  readonly maxBits: number;
  readonly int: (bits: number, signed: boolean) => NumberFormat;
  readonly fp: (e: number, m: number, bias?: number, variant?: FloatVariant) => FloatFormat;
  readonly posit: (n: number, es: number) => NumberFormat;
}
const NARROW: Factories = { maxBits: 32, int: intFormat, fp, posit };
const WIDE: Factories = { maxBits: 64, int: wideIntFormat, fp: wideFp, posit: widePosit };

/**
 * The format a spec names (see the file header for the accepted forms), of at most 32 bits.
 * @throws FormatError('unknown-format') with close matches, FormatError('bad-parameter'), or
 *   FormatError('too-wide') for a named format wider than 32 bits (fp64, int64, uint64, posit64_2).
 */
export function lookupFormat(spec: string): NumberFormat {
  return lookupWith(spec, NARROW);
}

/**
 * The format a spec names, of up to 64 bits (for `qacc formats decode` and `list`). A format wider than
 * 32 bits offers `decodeExact` and its exact limits only; its number-based methods throw FormatError('too-wide').
 */
export function lookupWideFormat(spec: string): NumberFormat {
  return lookupWith(spec, WIDE);
}

function lookupWith(spec: string, make: Factories): NumberFormat {
  const text = spec.trim();
  const lower = text.toLowerCase();
  const named = BY_NAME.get(lower);
  if (named) return named;
  const wideNamed = WIDE_BY_NAME.get(lower);
  if (wideNamed && wideNamed.bits <= make.maxBits) return wideNamed;
  // fp64 has no other spelling to fail through (int64 and posit64_2 get their factory's width error).
  if (wideNamed?.kind === 'fp') throw tooWide(wideNamed.name, wideNamed.bits);

  const intMatch = /^(u?)int(\d+)$/.exec(lower);
  if (intMatch) return make.int(Number(intMatch[2]), intMatch[1] === '');

  const positMatch = /^posit(\d+)_(\d+)$/.exec(lower);
  if (positMatch) return make.posit(Number(positMatch[1]), Number(positMatch[2]));

  const call = /^([a-z_]\w*)\s*\(([\s\S]*)\)$/i.exec(text);
  if (call) {
    const fn = call[1].toLowerCase();
    const body = call[2].trim();
    switch (fn) {
      case 'fp':
        return parseFp(text, body, make);
      case 'posit':
        return parsePosit(text, body, make);
      case 'lut':
        return parseLut(text, body);
      default:
        throw new FormatError(
          'unknown-format',
          `unknown format constructor '${call[1]}' in '${text}'; use fp(...), posit(...) or lut([...])`,
        );
    }
  }
  throw unknownFormat(text);
}

// ---- parameterized specs ----------------------------------------------------------------------------

/** Splits `a, b, k=v` into positional and keyword arguments (keys lowercased). */
function splitArgs(spec: string, body: string, keys: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (body === '') return out;
  const parts = body.split(',').map((p) => p.trim());
  let keyword = false;
  parts.forEach((part, i) => {
    const kv = /^([a-z_]\w*)\s*=\s*(.*)$/i.exec(part);
    let key: string;
    let value: string;
    if (kv) {
      keyword = true;
      key = kv[1].toLowerCase();
      value = kv[2].trim();
      if (!keys.includes(key)) {
        throw new FormatError(
          'bad-parameter',
          `'${spec}': unknown parameter '${kv[1]}' (expected ${keys.join(', ')})`,
        );
      }
    } else {
      if (keyword) throw new FormatError('bad-parameter', `'${spec}': positional argument after a named one`);
      if (i >= keys.length)
        throw new FormatError('bad-parameter', `'${spec}': too many arguments (expected ${keys.join(', ')})`);
      key = keys[i];
      value = part;
    }
    if (value === '') throw new FormatError('bad-parameter', `'${spec}': empty argument`);
    if (out.has(key)) throw new FormatError('bad-parameter', `'${spec}': '${key}' given twice`);
    out.set(key, value);
  });
  return out;
}

function integerArg(spec: string, name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(text))
    throw new FormatError('bad-parameter', `'${spec}': ${name} must be an integer, got '${text}'`);
  return Number(text);
}

function requiredArg(spec: string, name: string, value: number | undefined, usage: string): number {
  if (value === undefined)
    throw new FormatError('bad-parameter', `'${spec}': missing ${name}; usage: ${usage}`);
  return value;
}

const FP_USAGE = 'fp(E, M[, bias[, variant]]) with variant ieee, fn, fnuz or finite';

function parseFp(spec: string, body: string, make: Factories): FloatFormat {
  const args = splitArgs(spec, body, ['e', 'm', 'bias', 'variant']);
  const e = requiredArg(spec, 'E (exponent bits)', integerArg(spec, 'E', args.get('e')), FP_USAGE);
  const m = requiredArg(spec, 'M (mantissa bits)', integerArg(spec, 'M', args.get('m')), FP_USAGE);
  const bias = integerArg(spec, 'bias', args.get('bias'));
  const variantText = args.get('variant')?.toLowerCase() ?? 'ieee';
  if (!(FLOAT_VARIANTS as readonly string[]).includes(variantText)) {
    throw new FormatError(
      'bad-parameter',
      `'${spec}': variant must be one of ${FLOAT_VARIANTS.join(', ')}, got '${variantText}'`,
    );
  }
  const variant = variantText as FloatVariant;
  if (e < 1)
    throw new FormatError('bad-parameter', `'${spec}': E (exponent bits) must be at least 1, got ${e}`);
  const made = make.fp(e, m, bias, variant);
  for (const f of [...NAMED, ...WIDE_NAMED]) {
    if (
      f instanceof FloatFormat &&
      f.exponentBits === made.exponentBits &&
      f.mantissaBits === made.mantissaBits &&
      f.bias === made.bias &&
      f.variant === made.variant
    ) {
      return f;
    }
  }
  return made;
}

function parsePosit(spec: string, body: string, make: Factories): NumberFormat {
  const usage = `posit(n, es) with 2 ≤ n ≤ ${make.maxBits}, 0 ≤ es ≤ 4`;
  const args = splitArgs(spec, body, ['n', 'es']);
  const n = requiredArg(spec, 'n', integerArg(spec, 'n', args.get('n')), usage);
  const es = requiredArg(spec, 'es', integerArg(spec, 'es', args.get('es')), usage);
  return make.posit(n, es);
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseLut(spec: string, body: string): LutFormat {
  const list = /^\[([\s\S]*)\]$/.exec(body);
  if (!list) throw new FormatError('bad-parameter', `'${spec}': expected lut([v0, v1, ...])`);
  const items = list[1].trim() === '' ? [] : list[1].split(',').map((s) => s.trim());
  const values = items.map((item) => {
    if (!NUMBER_TEXT.test(item))
      throw new FormatError('bad-parameter', `'${spec}': '${item}' is not a finite decimal number`);
    const v = Number(item);
    if (!Number.isFinite(v))
      throw new FormatError('bad-parameter', `'${spec}': ${item} is too large for a float64 entry`);
    return v;
  });
  const f = new LutFormat(values);
  for (const named of NAMED) {
    if (named instanceof LutFormat && !named.isComplex && sameEntries(named.entries(), values)) return named;
  }
  return f;
}

function sameEntries(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

// ---- suggestions ------------------------------------------------------------------------------------

/**
 * Up to five canonical names close to `text`: names it is a prefix of (for inputs of 3+ characters) and
 * names within edit distance max(2, ⌊len/4⌋); nearest first, then in list order.
 */
export function closeFormatNames(text: string): string[] {
  const t = text.trim().toLowerCase();
  const limit = Math.max(2, Math.floor(t.length / 4));
  return NAMED.map((f, order) => {
    const d = editDistance(t, f.name);
    // A prefix ranks just behind an exact-but-one-letter match.
    return { name: f.name, d: t.length >= 3 && f.name.startsWith(t) ? Math.min(d, 1.5) : d, order };
  })
    .filter((c) => c.d <= limit)
    .sort((x, y) => x.d - y.d || x.order - y.order)
    .slice(0, 5)
    .map((c) => c.name);
}

function unknownFormat(text: string): FormatError {
  const close = closeFormatNames(text);
  const hint = close.length
    ? `; did you mean ${close.join(', ')}?`
    : '; known formats: intN/uintN (N = 2..32), fp8_e4m3, fp16, posit8_2, nf4, ... (qacc formats list), or fp(E, M, bias, variant), posit(n, es), lut([...])';
  return new FormatError('unknown-format', `unknown format '${text}'${hint}`);
}
