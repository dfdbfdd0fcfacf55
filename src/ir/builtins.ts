/**
 * Built-in functions of the language, evaluated at compile time:
 * - integer helpers `min(a, b, …)`, `max(a, b, …)`, `clog2(n)` (⌈log2 n⌉, the bits to index n items);
 * - format constructors `fp(e, m, bias?, variant?)`, `posit(n, es)`, `int(bits)`, `uint(bits)`,
 *   `lut[v0, v1, …]`, resolved through src/formats (a FormatError becomes a located diagnostic);
 * - quantization schemes `per_tensor`, `per_channel`, `per_group`, `mx`, `nvfp4`, `mixture`, built as
 *   src/quant `QuantScheme` values and validated by its `validateScheme`, plus the storage numbers the
 *   IR needs (element bits, scale format, overhead per group).
 */
import { exact, FP16, FP32, FP4_E2M1, FP8_E4M3, E8M0, intFormat, lookupFormat, lut, type NumberFormat, type Rational } from '../formats/index.js';
import type * as A from '../dsl/ast.js';
import { Diag } from '../dsl/diagnostics.js';
import { selectorBits as neededSelectorBits, validateScheme, type QuantScheme } from '../quant/scheme.js';
import type { Evaluator } from './evaluate.js';
import { PropertyReader } from './props.js';
import type { IrQuantizedOperand } from './types.js';
import type { Located, Value } from './values.js';

const ERROR: Value = { kind: 'error' };

type Builtin = (ev: Evaluator, call: A.CallExpr, file: string) => Value;

/** Scheme constructor names (also the kinds of `scheme s : kind { … }`). */
export const SCHEME_KINDS: readonly string[] = ['per_tensor', 'per_channel', 'per_group', 'mx', 'nvfp4', 'mixture'];

function reader(ev: Evaluator, call: A.CallExpr, file: string, positional: readonly string[]): PropertyReader {
  return new PropertyReader(ev, file, `${call.callee.text}(…)`, call.span, call.args, positional);
}

/** Wraps a format-library call: FormatError (or any user-facing error) → E315 at the call. */
function formatFrom(ev: Evaluator, call: A.CallExpr, make: () => NumberFormat): Value {
  try {
    return { kind: 'format', format: make() };
  } catch (err) {
    if (err && typeof err === 'object' && (err as { userFacing?: boolean }).userFacing) {
      ev.report(Diag.badFormatParameters, call.span, [(err as Error).message]);
      return ERROR;
    }
    throw err;
  }
}

function numbers(ev: Evaluator, call: A.CallExpr, file: string): Rational[] | undefined {
  if (call.args.length === 0 || call.args.some((a) => a.name)) {
    ev.report(Diag.badArguments, call.span, [`${call.callee.text}(…) takes one or more positional numbers`]);
    return undefined;
  }
  const out: Rational[] = [];
  for (const a of call.args) {
    const r = ev.rationalOf({ value: ev.eval(a.value, file), span: a.value.span }, `${call.callee.text}(…)`);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

const minMax = (pickLess: boolean): Builtin => (ev, call, file) => {
  const xs = numbers(ev, call, file);
  if (!xs) return ERROR;
  let best = xs[0];
  for (const x of xs) if ((exact.cmp(x, best) < 0) === pickLess && exact.cmp(x, best) !== 0) best = x;
  return { kind: 'number', value: best };
};

function clog2(ev: Evaluator, call: A.CallExpr, file: string): Value {
  const r = reader(ev, call, file, ['n']);
  const loc = r.require('n');
  r.finish();
  if (!loc) return ERROR;
  const n = ev.int(loc, 'clog2(n)', { min: 1 });
  if (n === undefined) return ERROR;
  let bits = 0;
  while (2 ** bits < n) bits++;
  return { kind: 'number', value: exact.rational(BigInt(bits)) };
}

function fpCall(ev: Evaluator, call: A.CallExpr, file: string): Value {
  const r = reader(ev, call, file, ['e', 'm', 'bias', 'variant']);
  const eLoc = r.require('e');
  const mLoc = r.require('m');
  const biasLoc = r.get('bias');
  const variantLoc = r.get('variant');
  r.finish();
  if (!eLoc || !mLoc) return ERROR;
  const e = ev.int(eLoc, 'the exponent bits e', { min: 1, max: 31 });
  const m = ev.int(mLoc, 'the mantissa bits m', { min: 0, max: 31 });
  const bias = biasLoc ? ev.int(biasLoc, 'the bias') : undefined;
  const variant = variantLoc ? ev.enumValue(variantLoc, 'float variant', ['ieee', 'fn', 'fnuz', 'finite'] as const) : 'ieee';
  if (e === undefined || m === undefined || (biasLoc && bias === undefined) || variant === undefined) return ERROR;
  const spec = `fp(e=${e}, m=${m}${bias !== undefined ? `, bias=${bias}` : ''}, variant=${variant})`;
  return formatFrom(ev, call, () => lookupFormat(spec));
}

function positCall(ev: Evaluator, call: A.CallExpr, file: string): Value {
  const r = reader(ev, call, file, ['n', 'es']);
  const nLoc = r.require('n');
  const esLoc = r.require('es');
  r.finish();
  if (!nLoc || !esLoc) return ERROR;
  const n = ev.int(nLoc, 'the posit width n', { min: 2, max: 32 });
  const es = ev.int(esLoc, 'the posit exponent size es', { min: 0, max: 4 });
  if (n === undefined || es === undefined) return ERROR;
  return formatFrom(ev, call, () => lookupFormat(`posit(${n}, ${es})`));
}

const intCall = (signed: boolean): Builtin => (ev, call, file) => {
  const r = reader(ev, call, file, ['bits']);
  const loc = r.require('bits');
  r.finish();
  if (!loc) return ERROR;
  const bits = ev.int(loc, 'the integer width', { min: 2, max: 32 });
  if (bits === undefined) return ERROR;
  return formatFrom(ev, call, () => intFormat(bits, signed));
};

function lutCall(ev: Evaluator, call: A.CallExpr, file: string): Value {
  const r = reader(ev, call, file, ['values']);
  const loc = r.require('values');
  r.finish();
  if (!loc) return ERROR;
  if (loc.value.kind !== 'list') {
    ev.report(Diag.typeMismatch, loc.span, ['a list of values, e.g. lut[-1, -0.5, 0, 0.5]', loc.value.kind === 'error' ? 'an invalid value' : 'a single value']);
    return ERROR;
  }
  const values: number[] = [];
  for (const item of loc.value.items) {
    const q = ev.rationalOf(item, 'a table entry');
    if (q === undefined) return ERROR;
    values.push(exact.toNumber(q));
  }
  return formatFrom(ev, call, () => lut(values));
}

// ---------- quantization schemes ----------

interface SchemeParts {
  readonly scheme: QuantScheme;
  readonly elementBits: number;
  readonly groupSize: number;
  readonly scaleFormat: NumberFormat;
  readonly selectorBits: number;
  readonly channelScale: NumberFormat | null;
  readonly zeroPointBits: number;
}

function finishScheme(ev: Evaluator, call: A.CallExpr, parts: SchemeParts): Value {
  try {
    validateScheme(parts.scheme);
  } catch (err) {
    if (err && typeof err === 'object' && (err as { userFacing?: boolean }).userFacing) {
      ev.report(Diag.badArguments, call.span, [(err as Error).message]);
      return ERROR;
    }
    throw err;
  }
  const overhead = parts.groupSize > 0 ? parts.scaleFormat.bits + parts.selectorBits + parts.zeroPointBits : 0;
  const operand: IrQuantizedOperand = {
    kind: 'quantized',
    scheme: parts.scheme,
    elementBits: parts.elementBits,
    groupSize: parts.groupSize,
    scaleFormat: parts.scaleFormat,
    selectorBits: parts.selectorBits,
    channelScale: parts.channelScale,
    overheadBitsPerGroup: overhead,
    bitsPerElement: parts.elementBits + (parts.groupSize > 0 ? overhead / parts.groupSize : 0),
    span: call.span,
  };
  return { kind: 'scheme', operand };
}

const GROUP_RANGE = { min: 1, max: 1 << 16 };

const scaled = (granularity: 'tensor' | 'channel' | 'group'): Builtin => (ev, call, file) => {
  const r = reader(ev, call, file, granularity === 'group' ? ['element', 'group'] : ['element']);
  const elLoc = r.require('element');
  const groupLoc = granularity === 'group' ? r.require('group') : undefined;
  const scaleLoc = r.get('scale');
  const zpLoc = r.get('zero_point');
  const clipLoc = r.get('clip');
  r.finish();
  const element = elLoc && ev.format(elLoc, 'the element format');
  const group = groupLoc ? ev.int(groupLoc, 'the group size', GROUP_RANGE) : granularity === 'group' ? undefined : 0;
  const scale = scaleLoc ? ev.format(scaleLoc, 'the scale format') : granularity === 'tensor' ? FP32 : FP16;
  const zp = zpLoc ? ev.bool(zpLoc, 'zero_point') : false;
  const clipQ = clipLoc ? ev.rationalOf(clipLoc, 'clip') : undefined;
  if (!element || group === undefined || !scale || zp === undefined || (clipLoc && clipQ === undefined)) return ERROR;
  const scheme: QuantScheme = {
    kind: 'scaled',
    granularity: granularity === 'group' ? { kind: 'group', size: group } : { kind: granularity },
    element,
    scaleFormat: scale,
    mode: zp ? 'asymmetric' : 'symmetric',
    ...(clipQ !== undefined ? { clip: exact.toNumber(clipQ) } : {}),
  };
  return finishScheme(ev, call, { scheme, elementBits: element.bits, groupSize: group, scaleFormat: scale, selectorBits: 0, channelScale: null, zeroPointBits: zp ? element.bits : 0 });
};

function mxCall(ev: Evaluator, call: A.CallExpr, file: string): Value {
  const r = reader(ev, call, file, ['element', 'block']);
  const elLoc = r.require('element');
  const blockLoc = r.get('block');
  r.finish();
  const element = elLoc && ev.format(elLoc, 'the element format');
  const block = blockLoc ? ev.int(blockLoc, 'the block size', GROUP_RANGE) : 32;
  if (!element || block === undefined) return ERROR;
  return finishScheme(ev, call, {
    scheme: { kind: 'mx', element, blockSize: block },
    elementBits: element.bits,
    groupSize: block,
    scaleFormat: E8M0,
    selectorBits: 0,
    channelScale: null,
    zeroPointBits: 0,
  });
}

function nvfp4Call(ev: Evaluator, call: A.CallExpr, file: string): Value {
  const r = reader(ev, call, file, ['element', 'block']);
  const elLoc = r.get('element');
  const blockLoc = r.get('block');
  const scaleLoc = r.get('scale');
  r.finish();
  const element = elLoc ? ev.format(elLoc, 'the element format') : FP4_E2M1;
  const block = blockLoc ? ev.int(blockLoc, 'the block size', GROUP_RANGE) : 16;
  const scale = scaleLoc ? ev.format(scaleLoc, 'the block scale format') : FP8_E4M3;
  if (!element || block === undefined || !scale) return ERROR;
  return finishScheme(ev, call, {
    scheme: { kind: 'nvfp4', element, blockScaleFormat: scale, blockSize: block },
    elementBits: element.bits,
    groupSize: block,
    scaleFormat: scale,
    selectorBits: 0,
    channelScale: null,
    zeroPointBits: 0,
  });
}

function mixtureCall(ev: Evaluator, call: A.CallExpr, file: string): Value {
  const r = reader(ev, call, file, ['candidates', 'group']);
  const candLoc = r.require('candidates');
  const groupLoc = r.get('group');
  const scaleLoc = r.get('scale');
  const selLoc = r.get('selector_bits');
  const chLoc = r.get('channel_scale');
  r.finish();
  if (!candLoc) return ERROR;
  const items: readonly Located[] = ev.list(candLoc);
  if (items.length === 0) {
    ev.report(Diag.emptyList, candLoc.span, ['the candidate list']);
    return ERROR;
  }
  const candidates: NumberFormat[] = [];
  for (const item of items) {
    const f = ev.format(item, 'a mixture candidate');
    if (!f) return ERROR;
    candidates.push(f);
  }
  for (let i = 1; i < candidates.length; i++) {
    if (candidates[i].bits !== candidates[0].bits) {
      ev.report(Diag.mixedCandidateWidths, items[i].span, [candidates[0].name, candidates[0].bits, candidates[i].name, candidates[i].bits]);
      return ERROR;
    }
  }
  const group = groupLoc ? ev.int(groupLoc, 'the group size', GROUP_RANGE) : 128;
  const scale = scaleLoc ? ev.format(scaleLoc, 'the group scale format') : intFormat(8, false);
  const needed = neededSelectorBits(candidates.length);
  const sel = selLoc ? ev.int(selLoc, 'selector_bits', { min: 0, max: 8 }) : needed;
  const channel = chLoc ? ev.formatOrNone(chLoc, 'the channel scale') : null;
  if (group === undefined || !scale || sel === undefined || channel === undefined) return ERROR;
  if (sel < needed) {
    ev.report(Diag.selectorBits, selLoc?.span ?? call.span, [candidates.length, needed, sel]);
    return ERROR;
  }
  return finishScheme(ev, call, {
    scheme: { kind: 'mixture', candidates, groupSize: group, scaleFormat: scale },
    elementBits: candidates[0].bits,
    groupSize: group,
    scaleFormat: scale,
    selectorBits: sel,
    channelScale: channel,
    zeroPointBits: 0,
  });
}

const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['min', minMax(true)],
  ['max', minMax(false)],
  ['clog2', clog2],
  ['fp', fpCall],
  ['posit', positCall],
  ['int', intCall(true)],
  ['uint', intCall(false)],
  ['lut', lutCall],
  ['per_tensor', scaled('tensor')],
  ['per_channel', scaled('channel')],
  ['per_group', scaled('group')],
  ['mx', mxCall],
  ['nvfp4', nvfp4Call],
  ['mixture', mixtureCall],
]);

export function isBuiltinCall(name: string): boolean {
  return BUILTINS.has(name);
}

/** Evaluates a call to a built-in (the caller checked `isBuiltinCall`). */
export function callBuiltin(ev: Evaluator, call: A.CallExpr, file: string): Value {
  const f = BUILTINS.get(call.callee.text);
  return f ? f(ev, call, file) : ERROR;
}

/** All built-in names, for suggestions. */
export const BUILTIN_NAMES: readonly string[] = [...BUILTINS.keys()];
