/**
 * `qacc formats list|decode|encode|op`: the number-format library on the command line. Other tools call
 * these commands, so their output is plain and stable:
 * - codes are hex, `0x`-prefixed, zero-padded to the format's nibble count (`0x0` for 4 bits, `0x00` for 8);
 * - values are JavaScript's shortest round-trip decimal (parses back to the exact float64), `-0` for
 *   negative zero, `nan`, `inf`, `-inf`, `nar` for specials; complex entries print as `i`, `-i`, `a+bi`;
 * - encode reads a decimal as the nearest float64 (--decimal binary64, the default) or exactly (--decimal exact),
 *   hex floats exactly (and, for complex2, the `a+bi` forms exactly, rounded to the nearest entry);
 *   stochastic rounding uses --seed (default 0), so every run is reproducible.
 * - `list` and `decode` also take formats of 33 to 64 bits (fp64, int64, uint64, posit64_2, intN/uintN,
 *   posit(n, es), fp(E, M, …)): codes are BigInts, values exact Rationals printed by {@link formatExact};
 *   `encode` and `op` stop at 32 bits with one line saying so.
 * Input is read whole and every line is checked and computed before anything is written, so an error
 * (one line naming the input line, exit 1) never leaves half an output.
 */
import type { Argv } from 'yargs';
import {
  arith,
  FloatFormat,
  FormatError,
  IntFormat,
  LutFormat,
  MAX_NUMBER_CODE_BITS,
  PositFormat,
  listFormats,
  listWideFormats,
  lookupWideFormat,
  tooWide,
  toNumber,
  fromNumber,
  type ExactValue,
  OVERFLOWS,
  parseDecimal,
  ROUNDINGS,
  seededRandom,
  signedNaN,
  exact,
  type EncodeInput,
  type Rational,
  type EncodeOptions,
  type NumberFormat,
  type Overflow,
  type Rounding,
} from '../../formats/index.js';
import type { CommandContext, CommandFactory } from '../context.js';
import { UsageError } from '../errors.js';

/** Most lines `decode --range` prints in one call. */
const MAX_RANGE = 1 << 20;

/** `0x`-prefixed hex, padded to ceil(bits / 4) digits. */
export function formatCode(f: NumberFormat, code: number): string {
  return '0x' + code.toString(16).padStart(Math.ceil(f.bits / 4), '0');
}

/**
 * A real value as the CLI prints it: integers exactly (every digit: float64's shortest decimal would print
 * 2^56 as 72057594037927940), other values as the shortest decimal that parses back to the same float64
 * (every value of every supported format is a float64, so that text identifies it exactly).
 */
export function formatReal(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  if (Number.isInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER) return BigInt(v).toString();
  return String(v);
}

/** `0x`-prefixed hex of a BigInt code, padded like {@link formatCode}. */
export function formatCodeBig(f: NumberFormat, code: bigint): string {
  return '0x' + code.toString(16).padStart(Math.ceil(f.bits / 4), '0');
}

/**
 * An exact value (of a format wider than 32 bits) as the CLI prints it: integers with every digit; other
 * values as the shortest decimal that reads back to the nearest float64 when that decimal *is* the value
 * (0.5, 1.25, 0.0009765625), otherwise as a C99 hex float (0x1.999999999999ap-4 for fp64's 0.1,
 * 0x1.0000000000000008p+0 for posit64_2's 1 + 2^-59), which is exact, at most 16 hex digits long, and
 * what `formats encode` reads exactly; `-0`, `nan`, `inf`, `-inf`, `nar` for specials.
 */
export function formatExact(v: ExactValue): string {
  switch (v.kind) {
    case 'nan':
      return 'nan';
    case 'nar':
      return 'nar';
    case 'inf':
      return v.negative ? '-inf' : 'inf';
    case 'finite':
      break;
  }
  const { num, den } = v.value;
  if (num === 0n) return v.negativeZero ? '-0' : '0';
  if (den === 1n) return num.toString();
  const nearest = toNumber(v.value);
  if (Number.isFinite(nearest) && nearest !== 0) {
    const near = fromNumber(nearest);
    if (near.num === num && near.den === den) {
      const text = String(nearest);
      const read = exact.parseDecimal(text);
      if (read !== undefined && read.num === num && read.den === den) return text;
    }
  }
  return hexFloat(num, den);
}

/** The C99 hex float of a non-integer dyadic rational num/den (den a power of two): ±0x1.hhhp±e. */
function hexFloat(num: bigint, den: bigint): string {
  const negative = num < 0n;
  const m = negative ? -num : num;
  const fracBits = m.toString(2).length - 1;
  const exponent = fracBits - (den.toString(2).length - 1);
  const pad = (4 - (fracBits % 4)) % 4;
  const frac = ((m - (1n << BigInt(fracBits))) << BigInt(pad)).toString(16).padStart((fracBits + pad) / 4, '0');
  const trimmed = frac.replace(/0+$/, '');
  return `${negative ? '-' : ''}0x1${trimmed === '' ? '' : '.' + trimmed}p${exponent < 0 ? '' : '+'}${exponent}`;
}

/** True for a format wider than 32 bits: only its exact decoder and limits work. */
function isWide(f: NumberFormat): boolean {
  return f.bits > MAX_NUMBER_CODE_BITS;
}

/** The exact decoder of a format (every format that can be wider than 32 bits has one). */
function exactDecoder(f: NumberFormat): (code: bigint) => ExactValue {
  if (f instanceof IntFormat || f instanceof FloatFormat || f instanceof PositFormat) return (c) => f.decodeExact(c);
  throw new Error(`internal: ${f.name} has no exact decoder`);
}

/** A code's value as the CLI prints it. */
export function formatValue(f: NumberFormat, code: number): string {
  if (f.isNaR(code)) return 'nar';
  if (f instanceof LutFormat && f.isComplex) {
    const { re, im } = f.decodeComplex(code);
    if (im === 0) return formatReal(re);
    const imText = im === 1 ? 'i' : im === -1 ? '-i' : `${formatReal(im)}i`;
    if (re === 0) return imText;
    return `${formatReal(re)}${im < 0 ? '' : '+'}${imText}`;
  }
  return formatReal(f.decode(code));
}

/** Input lines: the text split at newlines, without the empty string after a final newline. */
function inputLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const ZERO: Rational = exact.ZERO;
const exactNeg = exact.neg;

const DECIMAL_SYNTAX = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** How `encode` reads a decimal line (see parseValue). */
const DECIMAL_READINGS = ['binary64', 'exact'] as const;
type DecimalReading = (typeof DECIMAL_READINGS)[number];

/** C99 hexadecimal floating point, `0x1p-27`, `-0x1.8p+3`: an exact binary value (the p exponent is required). */
const HEX_FLOAT_SYNTAX = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?p([+-]?\d+)$/i;

/** Largest |binary exponent| a hex float may carry (far beyond every format; keeps the BigInt small). */
const MAX_HEX_EXPONENT = 100000;

/** The exact value of a hex float literal, or undefined when its exponent is out of bounds. */
function parseHexFloat(m: RegExpExecArray): Rational | undefined {
  const [, sign, whole, frac = '', expText] = m;
  const e = Number(expText);
  if (!(Math.abs(e) <= MAX_HEX_EXPONENT)) return undefined;
  const mant = BigInt('0x' + (whole + frac || '0')) * (sign === '-' ? -1n : 1n);
  const shift = e - 4 * frac.length;
  return shift >= 0 ? exact.rational(mant << BigInt(shift)) : exact.rational(mant, 1n << BigInt(-shift));
}

/**
 * Parses one `encode` input line: decimal text, a C99 hex float (exact: `0x1p-27` is 2^-27), `-0`, `nan`,
 * `-nan`, `inf`, `-inf`. A decimal is read as the nearest float64 by default (`binary64`), as numpy,
 * ml_dtypes and SoftPosit read it — the decimal 7.450580596923828e-09 that Python prints for 2^-27 *is*
 * 2^-27 — so results agree with those references at ties; `exact` reads the decimal as the rational it
 * writes (a hair below 2^-27), for formats or values where float64 would round first.
 */
function parseValue(text: string, lineNo: number, decimal: DecimalReading): EncodeInput {
  const t = text.trim();
  const lower = t.toLowerCase();
  // The sign of a NaN is kept (the format decides whether it has a NaN of each sign).
  if (/^[+-]?nan$/.test(lower)) return signedNaN(lower.startsWith('-'));
  if (/^\+?inf(inity)?$/.test(lower)) return Infinity;
  if (/^-inf(inity)?$/.test(lower)) return -Infinity;
  if (DECIMAL_SYNTAX.test(t)) {
    if (decimal === 'binary64') return Number(t);
    const r = parseDecimal(t);
    if (r === undefined) throw new UsageError(`line ${lineNo}: '${t}' has a decimal exponent beyond ±100000`);
    // A Rational has no negative zero: keep the sign of `-0`, `-0.0e5`, ... as the float64 −0.
    return r.num === 0n ? (t.startsWith('-') ? -0 : 0) : r;
  }
  const hex = HEX_FLOAT_SYNTAX.exec(t);
  if (hex && (hex[2] !== '' || (hex[3] ?? '') !== '')) {
    const r = parseHexFloat(hex);
    if (r === undefined)
      throw new UsageError(`line ${lineNo}: '${t}' has a binary exponent beyond ±${MAX_HEX_EXPONENT}`);
    return r.num === 0n ? (hex[1] === '-' ? -0 : 0) : r;
  }
  throw new UsageError(`line ${lineNo}: '${text}' is not a number`);
}

const NUM = String.raw`(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
/** `a+bi`, `a-bi`, `bi`, `i`, `-i`, `a+i` (the forms `decode` prints for complex entries). */
const COMPLEX_SYNTAX = new RegExp(`^(?:([+-]?${NUM})(?=[+-]))?([+-]?)(${NUM})?i$`);

/**
 * Parses an `encode` line with an imaginary part for a complex lookup format, exactly. Undefined when
 * the text has no `i` (then it is a real number for parseValue).
 */
function parseComplex(text: string, lineNo: number): { re: Rational; im: Rational } | undefined {
  const t = text.trim().replace(/\s+/g, '');
  if (!t.endsWith('i') || /^[+-]?inf(inity)?$/i.test(t)) return undefined;
  const m = COMPLEX_SYNTAX.exec(t);
  if (!m) throw new UsageError(`line ${lineNo}: '${text}' is not a number`);
  const [, reText, imSign, imText] = m;
  const exactOf = (s: string): Rational => {
    const r = parseDecimal(s);
    if (r === undefined) throw new UsageError(`line ${lineNo}: '${s}' has a decimal exponent beyond ±100000`);
    return r;
  };
  const im = exactOf(imText ?? '1');
  return { re: reText === undefined ? ZERO : exactOf(reText), im: imSign === '-' ? exactNeg(im) : im };
}

/** Parses a hex code (`0x3c00` or `3c00`) and checks it is a code of `f`; errors name `where` N. */
function parseCode(
  f: NumberFormat,
  text: string,
  lineNo: number,
  where: 'line' | 'argument' = 'line',
): number {
  return Number(parseCodeBig(f, text, lineNo, where));
}

/** {@link parseCode} for codes of any width, as a BigInt. */
function parseCodeBig(f: NumberFormat, text: string, lineNo: number, where: 'line' | 'argument' = 'line'): bigint {
  if (!/^(0x)?[0-9a-f]+$/i.test(text))
    throw new UsageError(`${where} ${lineNo}: '${text}' is not a hex code`);
  // Exact for any length: compare as a BigInt.
  const code = BigInt('0x' + text.replace(/^0x/i, ''));
  const count = 2n ** BigInt(f.bits);
  if (!(code < count)) {
    throw new UsageError(
      `${where} ${lineNo}: code ${text} is out of range for ${f.name} (${formatCodeBig(f, 0n)}..${formatCodeBig(f, count - 1n)})`,
    );
  }
  return code;
}

/** Runs `fn` for an input line, prefixing the line number to a library error's message. */
function atLine<T>(lineNo: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FormatError) throw new FormatError(err.code, `line ${lineNo}: ${err.message}`);
    throw err;
  }
}

interface RoundingArgs {
  rounding: Rounding;
  overflow?: Overflow;
  seed: number;
}

function encodeOptions(args: RoundingArgs): EncodeOptions {
  if (!Number.isSafeInteger(args.seed))
    throw new UsageError(`--seed must be an integer, got ${String(args.seed)}`);
  return {
    rounding: args.rounding,
    overflow: args.overflow,
    random: args.rounding === 'stochastic' ? seededRandom(args.seed) : undefined,
    // `encode` converts the user's data: `-nan` keeps its sign (op results get the canonical NaN anyway).
    keepNaNSign: true,
  };
}

function roundingOptions<T>(y: Argv<T>) {
  return y
    .option('rounding', {
      choices: ROUNDINGS,
      default: 'rne' as Rounding,
      describe: 'Rounding rule: rne (nearest, ties to even), rtz (toward zero), rna (ties away), stochastic',
    })
    .option('overflow', {
      choices: OVERFLOWS,
      describe: "Overflow rule (default: the format's own; see `qacc formats list`)",
    })
    .option('seed', {
      type: 'number',
      default: 0,
      describe:
        'Seed of the random bits for --rounding stochastic (xoshiro128**; one 32-bit draw per inexact value, in input order)',
    });
}

/**
 * JSON.stringify, except that integers beyond 2^53 are written with all their digits (still JSON numbers:
 * JSON.stringify would round the text, e.g. 2^56 to 72057594037927940).
 */
function exactJson(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER)) {
        marks.push(BigInt(v).toString());
        return `\u0000${marks.length - 1}\u0000`;
      }
      return v;
    },
    2,
  );
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]);
}

// ---- subcommands --------------------------------------------------------------------------------

function listCommand(ctx: CommandContext) {
  return {
    command: 'list',
    describe: 'List every named format: name, bits, kind, min, max',
    builder: (y: Argv) =>
      y.option('json', { type: 'boolean', default: false, describe: 'Print a JSON array' }),
    handler: (args: { json: boolean }) => {
      const rows: Array<{
        name: string;
        bits: number;
        kind: string;
        min: number | bigint | string;
        max: number | bigint | string;
        minPositive: number | bigint | string;
        defaultOverflow: string;
        minText: string;
        maxText: string;
        minPositiveText: string;
      }> = listFormats().map((f) => ({
        name: f.name,
        bits: f.bits,
        kind: f.kind,
        min: f.min,
        max: f.max,
        minPositive: f.minPositive,
        defaultOverflow: f.defaultOverflow,
        minText: formatReal(f.min),
        maxText: formatReal(f.max),
        minPositiveText: formatReal(f.minPositive),
      }));
      // Formats wider than 32 bits: their exact limits (int64's max is not a float64).
      for (const f of listWideFormats()) {
        if (!(f instanceof IntFormat || f instanceof FloatFormat || f instanceof PositFormat)) continue;
        const exactText = (v: Rational) => formatExact({ kind: 'finite', value: v, negativeZero: false });
        rows.push({
          name: f.name,
          bits: f.bits,
          kind: f.kind,
          min: jsonLimit(f.minExact),
          max: jsonLimit(f.maxExact),
          minPositive: jsonLimit(f.minPositiveExact),
          defaultOverflow: f.defaultOverflow,
          minText: exactText(f.minExact),
          maxText: exactText(f.maxExact),
          minPositiveText: exactText(f.minPositiveExact),
        });
      }
      if (args.json) {
        const json = rows.map(({ name, bits, kind, min, max, minPositive, defaultOverflow }) => ({
          name,
          bits,
          kind,
          min,
          max,
          minPositive,
          defaultOverflow,
        }));
        ctx.io.stdout(exactJson(json) + '\n');
        return;
      }
      const table = [
        ['name', 'bits', 'kind', 'min', 'max', 'min positive', 'overflow'],
        ...rows.map((r) => [
          r.name,
          String(r.bits),
          r.kind,
          r.minText,
          r.maxText,
          r.minPositiveText,
          r.defaultOverflow,
        ]),
      ];
      const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
      const text = table
        .map((row) =>
          row
            .map((cell, i) => cell.padEnd(widths[i]))
            .join('  ')
            .trimEnd(),
        )
        .join('\n');
      ctx.io.stdout(text + '\n');
    },
  };
}

/** The format of `encode` and `op`: any spec `decode` takes, refused in one line when wider than 32 bits. */
function narrowFormat(spec: string): NumberFormat {
  const f = lookupWideFormat(spec);
  if (isWide(f)) throw tooWide(f.name, f.bits);
  return f;
}

/**
 * A limit of `list --json`: a JSON number (an integer with every digit, through exactJson), or the
 * formatExact string when the value is a non-integer that no float64 equals.
 */
function jsonLimit(v: Rational): number | bigint | string {
  if (v.den === 1n) return v.num;
  const x = toNumber(v);
  const back = fromNumber(x);
  if (Number.isFinite(x) && back.num === v.num && back.den === v.den) return x;
  return formatExact({ kind: 'finite', value: v, negativeZero: false });
}

function decodeCommand(ctx: CommandContext) {
  return {
    command: 'decode <format> [codes..]',
    describe:
      'Print codes of a format (up to 64 bits: fp64, int64, posit64_2, …) and their values, one "0x.. value" line per code: every code (formats of at most 16 bits), the codes given, those on stdin (one hex code per line: --stdin, or piped in with no codes given), or --range. Values of formats wider than 32 bits are exact: a decimal only where it is the value, else a hex float',
    builder: (y: Argv) =>
      y
        .positional('format', {
          type: 'string',
          demandOption: true,
          describe: 'Format name or spec, e.g. fp8_e4m3, posit(8, 2)',
        })
        .positional('codes', {
          type: 'string',
          array: true,
          describe: 'Hex codes to decode (0x40000000 or 40000000)',
        })
        .option('stdin', {
          type: 'boolean',
          default: false,
          describe:
            'Read the codes from stdin, one hex code per line (implied when no codes are given and stdin is not a terminal: an empty stdin then lists every code of a format of at most 16 bits)',
        })
        .option('range', {
          type: 'string',
          describe: `Only codes LO:HI (inclusive, hex or decimal; at most ${MAX_RANGE} codes)`,
        }),
    handler: async (args: {
      format: string;
      codes?: Array<string | number>;
      range?: string;
      stdin: boolean;
    }) => {
      const f = lookupWideFormat(args.format);
      const given = (args.codes ?? []).map(String);
      if ([given.length > 0, args.range !== undefined, args.stdin].filter(Boolean).length > 1)
        throw new UsageError('give codes, --stdin or --range, one of them');
      if (isWide(f)) {
        // BigInt codes and exact values; every code is checked and decoded before anything is printed.
        const decode = exactDecoder(f);
        let wideCodes: bigint[];
        if (args.range !== undefined) {
          const [lo, hi] = parseRange(f, args.range);
          wideCodes = [];
          for (let c = lo; c <= hi; c++) wideCodes.push(c);
        } else if (given.length > 0) {
          wideCodes = given.map((text, i) => parseCodeBig(f, text.trim(), i + 1, 'argument'));
        } else {
          wideCodes = await stdinCodes(ctx, f, args.stdin, (text, lineNo) => parseCodeBig(f, text, lineNo));
        }
        const lines = wideCodes.map((c) => `${formatCodeBig(f, c)} ${formatExact(decode(c))}`);
        if (lines.length) ctx.io.stdout(lines.join('\n') + '\n');
        return;
      }
      let codes: Iterable<number>;
      if (args.range !== undefined) {
        const [lo, hi] = parseRange(f, args.range).map(Number);
        codes = (function* () {
          for (let c = lo; c <= hi; c++) yield c;
        })();
      } else if (given.length > 0) {
        codes = given.map((text, i) => parseCode(f, text.trim(), i + 1, 'argument'));
      } else if (args.stdin || f.bits > 16) {
        codes = await stdinCodes(ctx, f, args.stdin, (text, lineNo) => parseCode(f, text, lineNo));
      } else {
        // Codes piped in are decoded (as for wider formats); a terminal or an empty stdin lists every code.
        const piped = process.stdin.isTTY === true ? [] : inputLines(await ctx.io.readStdin());
        codes = piped.length > 0 ? piped.map((line, i) => parseCode(f, line.trim(), i + 1)) : f.codes();
      }
      // Every code is checked before anything is printed.
      const out: string[] = [];
      for (const c of codes) out.push(`${formatCode(f, c)} ${formatValue(f, c)}`);
      if (out.length) ctx.io.stdout(out.join('\n') + '\n');
    },
  };
}

/**
 * The codes on stdin, one hex code per line (`line N: …` errors). Implied for a format too wide to list,
 * unless stdin is a terminal or empty: then the user is told how to pick codes instead (a terminal would
 * leave them waiting).
 */
async function stdinCodes<T>(
  ctx: CommandContext,
  f: NumberFormat,
  asked: boolean,
  parse: (text: string, lineNo: number) => T,
): Promise<T[]> {
  const notListable = () =>
    new FormatError(
      'too-wide',
      `${f.name} has 2^${f.bits} codes; decode lists formats of at most 16 bits: give codes (e.g. ${formatCode(f, 1)}), --stdin, or --range LO:HI`,
    );
  if (!asked && process.stdin.isTTY === true) throw notListable();
  const lines = inputLines(await ctx.io.readStdin());
  // Nothing on stdin when it was not asked for: the user meant to list the format.
  if (!asked && lines.length === 0) throw notListable();
  return lines.map((line, i) => parse(line.trim(), i + 1));
}

/** The window LO:HI of `decode --range`, exact for codes of any width. */
function parseRange(f: NumberFormat, text: string): [bigint, bigint] {
  const m = /^\s*((?:0x)?[0-9a-f]+)\s*:\s*((?:0x)?[0-9a-f]+)\s*$/i.exec(text);
  const num = (s: string): bigint | undefined =>
    /^0x[0-9a-f]+$/i.test(s) ? BigInt(s) : /^\d+$/.test(s) ? BigInt(s) : undefined;
  const lo = m ? num(m[1]) : undefined;
  const hi = m ? num(m[2]) : undefined;
  if (lo === undefined || hi === undefined || !(hi >= lo))
    throw new UsageError(`--range must be LO:HI with 0 ≤ LO ≤ HI (hex with 0x, or decimal), got '${text}'`);
  const count = 1n << BigInt(f.bits);
  if (hi >= count)
    throw new UsageError(`--range ${text} goes beyond the last code ${formatCodeBig(f, count - 1n)} of ${f.name}`);
  if (hi - lo + 1n > BigInt(MAX_RANGE)) throw new UsageError(`--range ${text} holds more than ${MAX_RANGE} codes`);
  return [lo, hi];
}

function encodeCommand(ctx: CommandContext) {
  return {
    command: 'encode <format>',
    describe:
      'Encode decimal numbers from stdin (one per line; also nan, inf, -inf, -0, and a+bi for complex2), print one hex code per line (formats of at most 32 bits)',
    builder: (y: Argv) =>
      roundingOptions(
        y.positional('format', { type: 'string', demandOption: true, describe: 'Format name or spec' }),
      ).option('decimal', {
        choices: DECIMAL_READINGS,
        default: 'binary64' as DecimalReading,
        describe:
          'How a decimal line is read: binary64 (the nearest float64, as numpy, ml_dtypes and SoftPosit read it) or exact (the rational it writes). Hex floats (0x1p-27) are always exact',
      }),
    handler: async (args: RoundingArgs & { format: string; decimal: DecimalReading }) => {
      const f = narrowFormat(args.format);
      const options = encodeOptions(args);
      const lines = inputLines(await ctx.io.readStdin());
      const complex = f instanceof LutFormat && f.isComplex ? f : undefined;
      const out = lines.map((line, i) => {
        const z = complex ? parseComplex(line, i + 1) : undefined;
        if (complex && z) {
          if (args.rounding !== 'rne') {
            throw new UsageError(
              `line ${i + 1}: ${complex.name} rounds complex values to the nearest entry only (--rounding rne)`,
            );
          }
          return formatCode(f, complex.encodeComplexExact(z.re, z.im));
        }
        const x = parseValue(line, i + 1, args.decimal);
        return formatCode(
          f,
          atLine(i + 1, () => f.encode(x, options)),
        );
      });
      if (out.length) ctx.io.stdout(out.join('\n') + '\n');
    },
  };
}

type OpName = 'mul' | 'add' | 'fma' | 'dot';
const OPS: readonly OpName[] = ['mul', 'add', 'fma', 'dot'];

function opCommand(ctx: CommandContext) {
  return {
    command: 'op <format> <op>',
    describe:
      'Exact arithmetic on hex codes from stdin, rounded once: "a b" (mul, add), "a b c" (fma: a·b + c), "a0,a1,… b0,b1,…" (dot)',
    builder: (y: Argv) =>
      roundingOptions(
        y
          .positional('format', { type: 'string', demandOption: true, describe: 'Format name or spec' })
          .positional('op', { choices: OPS, demandOption: true, describe: 'Operation' }),
      ),
    handler: async (args: RoundingArgs & { format: string; op: OpName }) => {
      const f = narrowFormat(args.format);
      const options = encodeOptions(args);
      const lines = inputLines(await ctx.io.readStdin());
      const out = lines.map((line, i) => formatCode(f, runOp(f, args.op, line, i + 1, options)));
      if (out.length) ctx.io.stdout(out.join('\n') + '\n');
    },
  };
}

const OP_SHAPE: Record<OpName, { count: number; usage: string }> = {
  mul: { count: 2, usage: "'a b'" },
  add: { count: 2, usage: "'a b'" },
  fma: { count: 3, usage: "'a b c'" },
  dot: { count: 2, usage: "'a0,a1,... b0,b1,...'" },
};

function runOp(f: NumberFormat, op: OpName, line: string, lineNo: number, options: EncodeOptions): number {
  // Spaces around commas belong to a list, not between operands.
  const fields = line
    .trim()
    .replace(/\s*,\s*/g, ',')
    .split(/\s+/)
    .filter((s) => s !== '');
  const shape = OP_SHAPE[op];
  if (fields.length !== shape.count) {
    throw new UsageError(`line ${lineNo}: ${op} expects ${shape.usage}, got '${line}'`);
  }
  const code = (s: string): number => parseCode(f, s, lineNo);
  switch (op) {
    case 'mul':
    case 'add':
    case 'fma': {
      if (fields.some((s) => s.includes(',')))
        throw new UsageError(`line ${lineNo}: ${op} expects ${shape.usage}, got '${line}'`);
      const [a, b, c] = fields.map(code);
      return atLine(lineNo, () =>
        op === 'mul'
          ? arith.mul(f, a, b, options)
          : op === 'add'
            ? arith.add(f, a, b, options)
            : arith.fma(f, a, b, c, options),
      );
    }
    case 'dot': {
      const [as, bs] = fields.map((list) => list.split(',').map(code));
      if (as.length !== bs.length) {
        throw new UsageError(
          `line ${lineNo}: dot needs two lists of the same length, got ${as.length} and ${bs.length} codes`,
        );
      }
      return atLine(lineNo, () => arith.dot(f, as, bs, options));
    }
    default: {
      const never: never = op;
      throw new UsageError(`unknown operation '${String(never)}'`);
    }
  }
}

/** `qacc formats <list|decode|encode|op>`. */
export const formatsCommand: CommandFactory = (ctx) => ({
  command: 'formats',
  describe: 'Number formats: list them, decode every code, encode numbers, exact arithmetic on codes',
  builder: (y: Argv) =>
    y
      .command(listCommand(ctx))
      .command(decodeCommand(ctx))
      .command(encodeCommand(ctx))
      .command(opCommand(ctx))
      .demandCommand(1, 'give a formats subcommand: list, decode, encode or op'),
  // Runs only when no subcommand matched.
  handler: (args: { _: Array<string | number> }) => {
    throw new UsageError(`unknown formats subcommand '${String(args._[1])}' (list, decode, encode or op)`);
  },
});
