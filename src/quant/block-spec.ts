/**
 * The `--block <spec>` language of `qacc quantize`: a short text naming a scheme, parsed into a typed
 * QuantScheme. Grammar (whitespace is not allowed; names are case-insensitive):
 *
 *   spec    := [ 'hadamard' ':' INT { ',' option } '+' ] base
 *   base    := family [ ':' INT [ ':' INT ] ] { ',' option }
 *   option  := KEY '=' VALUE | FLAG          (commas inside (...) or [...] do not split options)
 *
 * | family            | sizes (defaults)          | options (defaults)                               | element (`--format`) |
 * |-------------------|---------------------------|--------------------------------------------------|----------------------|
 * | `tensor`          | —                         | `scale=F` (fp32), `sym` or `asym`, `clip=C`      | required             |
 * | `channel`         | —                         | same                                             | required             |
 * | `group`           | `:G` (required)           | same                                             | required             |
 * | `mx`              | `:K` (32)                 | —                                                | required             |
 * | `nvfp4`           | `:K` (16)                 | `scale=F` (fp8_e4m3)                             | fp4_e2m1             |
 * | `qlora`           | `:B:C` (64, 256)          | `constants=F` (dynamic8)                         | nf4 (any signed)     |
 * | `bitmod`,`bitmod3`| `:G` (128)                | `scale=F` (fp16), `candidates=F1\|F2\|…`         | not allowed          |
 * | `olive`           | `:G` (none: per channel)  | `scale=F` (fp32), `tensor` (one scale)           | not allowed          |
 * | `hadamard` prefix | `:B` (power of two)       | `seed=S` (0)                                     | —                    |
 *
 * Examples: `group:128,scale=fp16`, `channel,asym`, `tensor,clip=6`, `mx`, `nvfp4`, `qlora`,
 * `bitmod:128,scale=bf16`, `olive:64`, `hadamard:32,seed=7+nvfp4`.
 * Every mistake is a QuantError('bad-block-spec') (or a FormatError for an unknown format name).
 */
import { lookupFormat } from '../formats/registry.js';
import { FP32 } from '../formats/float.js';
import type { NumberFormatBase } from '../formats/types.js';
import { QuantError } from './errors.js';
import type { Granularity, HadamardScheme, QuantScheme } from './scheme.js';
import { validateScheme } from './scheme.js';
import {
  BITMOD_FP3_CANDIDATES,
  BITMOD_FP4_CANDIDATES,
  BITMOD_GROUP,
  MX_BLOCK,
  NVFP4_BLOCK,
  QLORA_BLOCK,
  QLORA_CONSTANT_BLOCK,
  bitmodScheme,
  mxScheme,
  nvfp4Scheme,
  qloraScheme,
} from './presets.js';

/** The scheme families the grammar knows, for messages and `--help`. */
export const BLOCK_FAMILIES = ['tensor', 'channel', 'group', 'mx', 'nvfp4', 'qlora', 'bitmod', 'bitmod3', 'olive'] as const;
type Family = (typeof BLOCK_FAMILIES)[number];

interface Parsed {
  readonly family: string;
  readonly sizes: number[];
  readonly options: Map<string, string | true>;
}

function fail(spec: string, why: string): never {
  throw new QuantError('bad-block-spec', `bad --block '${spec}': ${why}`);
}

/** Splits on `sep` outside (...) and [...]. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseSize(spec: string, text: string): number {
  if (!/^\d+$/.test(text)) fail(spec, `'${text}' is not a positive integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) fail(spec, `'${text}' is not a positive integer`);
  return n;
}

function parseBase(spec: string, text: string): Parsed {
  if (text === '') fail(spec, 'empty scheme');
  const [head, ...optionTexts] = splitTop(text, ',');
  const [family, ...sizeTexts] = head.split(':');
  const options = new Map<string, string | true>();
  for (const o of optionTexts) {
    if (o === '') fail(spec, 'empty option');
    const eq = o.indexOf('=');
    const key = (eq < 0 ? o : o.slice(0, eq)).toLowerCase();
    if (options.has(key)) fail(spec, `option '${key}' given twice`);
    options.set(key, eq < 0 ? true : o.slice(eq + 1));
  }
  return { family: family.toLowerCase(), sizes: sizeTexts.map((s) => parseSize(spec, s)), options };
}

/** Reads and removes one option; `kind` says whether it is a flag or takes a value. */
function take(spec: string, p: Parsed, key: string, kind: 'value'): string | undefined;
function take(spec: string, p: Parsed, key: string, kind: 'flag'): boolean;
function take(spec: string, p: Parsed, key: string, kind: 'value' | 'flag'): string | boolean | undefined {
  const v = p.options.get(key);
  p.options.delete(key);
  if (v === undefined) return kind === 'flag' ? false : undefined;
  if (kind === 'flag' && v !== true) fail(spec, `'${key}' is a flag and takes no value`);
  if (kind === 'value' && (v === true || v === '')) fail(spec, `'${key}' needs a value (${key}=...)`);
  return v;
}

function finish(spec: string, p: Parsed, maxSizes: number): void {
  if (p.sizes.length > maxSizes) fail(spec, `'${p.family}' takes ${maxSizes === 0 ? 'no sizes' : `at most ${maxSizes} size${maxSizes > 1 ? 's' : ''}`}`);
  const left = [...p.options.keys()];
  if (left.length > 0) fail(spec, `unknown option '${left[0]}' for '${p.family}'`);
}

function formatOption(spec: string, p: Parsed, key: string, fallback: NumberFormatBase): NumberFormatBase {
  const v = take(spec, p, key, 'value');
  return v === undefined ? fallback : lookupFormat(v);
}

function needElement(spec: string, family: string, element: NumberFormatBase | undefined): NumberFormatBase {
  if (element === undefined) fail(spec, `'${family}' needs an element format (--format)`);
  return element;
}

function noElement(spec: string, family: string, element: NumberFormatBase | undefined): void {
  if (element !== undefined) fail(spec, `'${family}' chooses its own element types; drop --format ${element.name}`);
}

function buildBase(spec: string, p: Parsed, element: NumberFormatBase | undefined): Exclude<QuantScheme, HadamardScheme> {
  if (!(BLOCK_FAMILIES as readonly string[]).includes(p.family)) {
    fail(spec, `unknown scheme '${p.family}'; expected one of ${BLOCK_FAMILIES.join(', ')}${p.family === 'hadamard' ? ' (hadamard is a prefix: hadamard:B+scheme)' : ''}`);
  }
  const family = p.family as Family;
  switch (family) {
    case 'tensor':
    case 'channel':
    case 'group': {
      let granularity: Granularity;
      if (family === 'group') {
        if (p.sizes.length !== 1) fail(spec, "'group' needs a size, e.g. group:128");
        granularity = { kind: 'group', size: p.sizes[0] };
      } else {
        granularity = { kind: family };
      }
      const el = needElement(spec, family, element);
      const scaleFormat = formatOption(spec, p, 'scale', FP32);
      const sym = take(spec, p, 'sym', 'flag');
      const asym = take(spec, p, 'asym', 'flag');
      if (sym && asym) fail(spec, "'sym' and 'asym' exclude each other");
      const clipText = take(spec, p, 'clip', 'value');
      let clip: number | undefined;
      if (clipText !== undefined) {
        clip = Number(clipText);
        if (!Number.isFinite(clip) || !(clip > 0)) fail(spec, `clip '${clipText}' is not a positive number`);
      }
      finish(spec, p, family === 'group' ? 1 : 0);
      return { kind: 'scaled', granularity, element: el, scaleFormat, mode: asym ? 'asymmetric' : 'symmetric', ...(clip !== undefined ? { clip } : {}) };
    }
    case 'mx': {
      const el = needElement(spec, family, element);
      finish(spec, p, 1);
      return mxScheme(el, p.sizes[0] ?? MX_BLOCK);
    }
    case 'nvfp4': {
      const scale = take(spec, p, 'scale', 'value');
      finish(spec, p, 1);
      const base = nvfp4Scheme(p.sizes[0] ?? NVFP4_BLOCK);
      return { ...base, ...(element ? { element } : {}), ...(scale !== undefined ? { blockScaleFormat: lookupFormat(scale) } : {}) };
    }
    case 'qlora': {
      const constants = take(spec, p, 'constants', 'value');
      finish(spec, p, 2);
      const base = qloraScheme(undefined, p.sizes[0] ?? QLORA_BLOCK, p.sizes[1] ?? QLORA_CONSTANT_BLOCK);
      return { ...base, ...(element ? { element } : {}), ...(constants !== undefined ? { constantFormat: lookupFormat(constants) } : {}) };
    }
    case 'bitmod':
    case 'bitmod3': {
      noElement(spec, family, element);
      const scale = take(spec, p, 'scale', 'value');
      const cands = take(spec, p, 'candidates', 'value');
      finish(spec, p, 1);
      const candidates = cands !== undefined ? splitTop(cands, '|').map((c) => lookupFormat(c)) : family === 'bitmod' ? BITMOD_FP4_CANDIDATES : BITMOD_FP3_CANDIDATES;
      const base = bitmodScheme(p.sizes[0] ?? BITMOD_GROUP, candidates);
      return scale !== undefined ? { ...base, scaleFormat: lookupFormat(scale) } : base;
    }
    case 'olive': {
      noElement(spec, family, element);
      const scaleFormat = formatOption(spec, p, 'scale', FP32);
      const perTensor = take(spec, p, 'tensor', 'flag');
      finish(spec, p, 1);
      if (perTensor && p.sizes.length > 0) fail(spec, "olive takes a group size or 'tensor', not both");
      const granularity: Granularity = p.sizes.length > 0 ? { kind: 'group', size: p.sizes[0] } : perTensor ? { kind: 'tensor' } : { kind: 'channel' };
      return { kind: 'olive', granularity, scaleFormat };
    }
    default: {
      const never: never = family;
      return never;
    }
  }
}

/**
 * Parses a `--block` spec. `element` is the `--format` format (undefined when not given).
 * The result is validated (validateScheme), so it is ready for `quantize`.
 */
export function parseBlockSpec(spec: string, element?: NumberFormatBase): QuantScheme {
  const text = spec.trim();
  if (/\s/.test(text)) fail(spec, 'spaces are not allowed');
  const plus = splitTop(text, '+');
  if (plus.length > 2) fail(spec, "at most one '+' (hadamard:B+scheme)");
  let scheme: QuantScheme;
  if (plus.length === 2) {
    const h = parseBase(spec, plus[0]);
    if (h.family !== 'hadamard') fail(spec, `only a hadamard rotation can precede '+', not '${h.family}'`);
    if (h.sizes.length !== 1) fail(spec, 'hadamard needs a block size, e.g. hadamard:32+mx');
    const seedText = take(spec, h, 'seed', 'value');
    if (seedText !== undefined && !/^-?\d+$/.test(seedText)) fail(spec, `seed '${seedText}' is not an integer`);
    finish(spec, h, 1);
    const inner = parseBase(spec, plus[1]);
    if (inner.family === 'hadamard') fail(spec, 'hadamard rotations do not nest');
    scheme = { kind: 'hadamard', blockSize: h.sizes[0], seed: seedText === undefined ? 0 : Number(seedText), inner: buildBase(spec, inner, element) };
  } else {
    scheme = buildBase(spec, parseBase(spec, text), element);
  }
  validateScheme(scheme);
  return scheme;
}
