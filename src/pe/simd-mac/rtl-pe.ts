/**
 * View model of the reconfigurable SIMD dot-product MAC (simd_mac_pe.v.hbs) for a list of modes that share
 * one datapath (the IR's `modes`; each mode alone is the golden `SimdMacConfig` with that element).
 * Decisions made here: the common fixed point (LSB 2^-2F with F the finest element fraction over all
 * modes), the quire width (1 + ceil(log2 maxDotLength) + the widest product in those units — every mode
 * fits, so each mode's exact result equals its golden quire's), the multiplier cell widths (cell i:
 * the widest significand among the modes with a lane i), the shift padding that keeps posit fraction
 * padding exact, and the accumulator variant and rounder (IEEE or posit).
 */
import { FloatFormat } from '../../formats/float.js';
import { PositFormat } from '../../formats/posit.js';
import type { IrPe } from '../../ir/types.js';
import { addAlign, addAlignMagWidth, EXP_WIDTH, floatShape, fpDecode, fpRound, positDecode, positFractionBits, positRound, positShape } from '../../codegen/verilog/fp-units.js';
import { bitsFor, sconst, type RtlModule } from '../../codegen/verilog/module-set.js';
import { rtlInvariant } from '../../codegen/verilog/invariant.js';
import type { PeRtl } from '../../codegen/verilog/design.js';
import { harnessPort as port } from '../../codegen/verilog/harness-spec.js';
import { simdQuireWidth, type SimdElementFormat, type SimdMacConfig, type SimdOutputFormat } from './golden.js';

/** One mode of the generated PE: `lanes` elements of `element` in the low bits of the operand word. */
export interface SimdPeMode {
  readonly element: SimdElementFormat;
  readonly lanes: number;
}

/** The SIMD PE as generated: shared modes, one output format, one accumulation rule. */
export interface SimdPeSpec {
  readonly modes: readonly SimdPeMode[];
  /** Operand word width (ports a and b). */
  readonly wordBits: number;
  readonly output: SimdOutputFormat;
  readonly accumulation: 'exact' | 'round-each-step';
  readonly maxDotLength: number;
  /**
   * The quire width to build (exact accumulation): the IR's `quireBits`, so the design's declared width
   * is the one source. It must hold every mode (at least simdQuireWidth's); absent: that width.
   */
  readonly quireBits?: number;
}

type Element = { kind: 'fp'; f: FloatFormat } | { kind: 'posit'; p: PositFormat } | { kind: 'int'; bits: number; signed: boolean };

/** The decoder family of an element format (by its class, no name table). */
function element(f: SimdElementFormat): Element {
  if (f instanceof FloatFormat) return { kind: 'fp', f };
  if (f instanceof PositFormat) return { kind: 'posit', p: f };
  return { kind: 'int', bits: f.bits, signed: f.signed };
}

function sigWidth(e: Element): number {
  return e.kind === 'fp' ? e.f.mantissaBits + 1 : e.kind === 'posit' ? positFractionBits(positShape(e.p)) + 1 : e.bits;
}

/** Zero padding (bits below the true LSB) a decoder's significand may carry. */
function sigPadding(e: Element): number {
  return e.kind === 'posit' ? positFractionBits(positShape(e.p)) : 0;
}

/** A Verilog-identifier form of a format name (library names already are; `fp(…)` specs are not). */
function ident(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function elementDecoder(f: SimdElementFormat): RtlModule {
  const e = element(f);
  const name = `qacc_elem_${ident(f.name)}`;
  const view = { format: f.name, xMsb: EXP_WIDTH - 1, xWidth: EXP_WIDTH };
  switch (e.kind) {
    case 'fp': {
      const d = fpDecode(floatShape(e.f));
      return { name, template: 'simd-mac/elem_fp.v.hbs', deps: [d], view: { ...view, decoder: d.name, nMsb: e.f.bits - 1, sigMsb: e.f.mantissaBits } };
    }
    case 'posit': {
      const d = positDecode(positShape(e.p));
      return { name, template: 'simd-mac/elem_posit.v.hbs', deps: [d], view: { ...view, decoder: d.name, nMsb: e.p.n - 1, sigMsb: positFractionBits(positShape(e.p)) } };
    }
    case 'int':
      return { name, template: 'simd-mac/elem_int.v.hbs', deps: [], view: { ...view, n: e.bits, nMsb: e.bits - 1, signed: e.signed } };
    default: {
      const never: never = e;
      rtlInvariant(false, `simd_mac: unknown element ${JSON.stringify(never)}`); // element() returns one of the three
    }
  }
}

type Output = { kind: 'fp'; f: FloatFormat } | { kind: 'posit'; p: PositFormat };

function outputFormat(f: SimdOutputFormat): Output {
  return f instanceof PositFormat ? { kind: 'posit', p: f } : { kind: 'fp', f };
}

/** Geometry of the shared quire. */
export interface SimdGeometry {
  /** F: the common fixed point has LSB 2^-2F. */
  readonly fractionBits: number;
  readonly quireBits: number;
  readonly cells: number;
}

/** The shared quire: golden's simdQuireWidth over every mode, built at the declared width when wider. */
export function simdGeometry(spec: SimdPeSpec): SimdGeometry {
  const q = simdQuireWidth(spec.modes.map((m) => m.element), spec.maxDotLength);
  // schema.ts rejects a declared quire_bits below simdQuireWidth of the same modes and max_dot_length (E408)
  rtlInvariant(spec.quireBits === undefined || spec.quireBits >= q.width, `simd_mac: a ${spec.quireBits}-bit quire cannot hold these modes (needs ${q.width})`);
  return { fractionBits: q.fractionBits, quireBits: Math.max(spec.quireBits ?? 0, q.width), cells: Math.max(...spec.modes.map((m) => m.lanes)) };
}

/**
 * The PE spec of a simd_mac PE: its modes in declaration order, the golden output and accumulation, and
 * the IR's quire width. The one place both the PE-level design and the tile engine take it from, so the
 * two generate the same module.
 */
export function simdPeSpecOf(pe: Extract<IrPe, { kind: 'simd_mac' }>, golden: SimdMacConfig): SimdPeSpec {
  return {
    modes: pe.modes.map((m) => ({ element: m.format as SimdElementFormat, lanes: m.lanes })),
    wordBits: pe.operandWidth,
    output: golden.output,
    accumulation: golden.accumulation,
    maxDotLength: golden.maxDotLength,
    quireBits: pe.quireBits ?? undefined,
  };
}

/** The SIMD PE module. */
export function simdMacPe(spec: SimdPeSpec, moduleName: string, peName: string): RtlModule {
  const geo = simdGeometry(spec);
  const F = geo.fractionBits;
  const W = geo.quireBits;
  const modeWidth = Math.max(1, bitsFor(spec.modes.length - 1));
  const offset = 2 * Math.max(0, ...spec.modes.map((m) => sigPadding(element(m.element))));
  const decs = new Map<string, RtlModule>();
  const decoders: Record<string, unknown>[] = [];
  const laneInfo: { mode: number; lane: number; a: string; b: string; sig: number }[] = [];
  spec.modes.forEach((mode, mi) => {
    const e = element(mode.element);
    const bits = mode.element.bits;
    const lanes = mode.lanes;
    let d = decs.get(mode.element.name);
    if (!d) {
      d = elementDecoder(mode.element);
      decs.set(mode.element.name, d);
    }
    for (let lane = 0; lane < lanes; lane++) {
      for (const port of ['a', 'b']) {
        decoders.push({ w: `${port}_m${mi}_l${lane}`, sigMsb: sigWidth(e) - 1, module: d.name, port, hi: bits * (lane + 1) - 1, lo: bits * lane });
      }
      laneInfo.push({ mode: mi, lane, a: `a_m${mi}_l${lane}`, b: `b_m${mi}_l${lane}`, sig: sigWidth(e) });
    }
  });
  const cells = Array.from({ length: geo.cells }, (_, i) => {
    const users = laneInfo.filter((l) => l.lane === i);
    const cw = Math.max(...users.map((u) => u.sig));
    const pad = (sig: number, w: string): string => (cw > sig ? `{ ${cw - sig}'d0, ${w}_m }` : `${w}_m`);
    return {
      i,
      sigMsb: cw - 1,
      sigWidth: cw,
      prodMsb: 2 * cw - 1,
      widePad: W + offset - 2 * cw,
      modes: users.map((u) => ({ key: `${modeWidth}'d${u.mode}`, a: u.a, b: u.b, maExpr: pad(u.sig, u.a), mbExpr: pad(u.sig, u.b) })),
    };
  });
  // the quire's productBits (simdQuireWidth) hold the product of each mode's widest significands, so
  // 2 · cell width <= W + offset (every library element, alone and in pairs, at max_dot_length = 1)
  for (const c of cells) rtlInvariant(c.widePad >= 0, 'simd_mac: quire narrower than a product');
  const out = outputFormat(spec.output);
  const outBits = out.kind === 'fp' ? out.f.bits : out.p.n;
  const lsbExp = sconst(EXP_WIDTH, -2 * F);
  const deps: RtlModule[] = [...decs.values()];
  let parts: RtlModule['parts'];
  let nanCode: string;
  if (out.kind === 'fp') nanCode = `${outBits}'h${(out.f.nanCode as number).toString(16)}`;
  else nanCode = `${outBits}'h${out.p.narCode.toString(16)}`;
  if (spec.accumulation === 'exact') {
    const rounder = out.kind === 'fp' ? fpRound(floatShape(out.f), W) : positRound(positShape(out.p), W);
    deps.push(rounder);
    parts = { accumulatorBody: { template: 'simd-mac/simd_acc_exact.v.hbs', view: { qWidth: W, qMsb: W - 1, twoF: 2 * F, rounder: rounder.name, lsbExp } } };
  } else {
    const accSig = out.kind === 'fp' ? out.f.mantissaBits + 1 : positFractionBits(positShape(out.p)) + 1;
    const precision = out.kind === 'fp' ? out.f.mantissaBits + 1 : out.p.n;
    const core = addAlign(accSig, W, precision);
    const magWidth = addAlignMagWidth(accSig, W, precision);
    const rounder = out.kind === 'fp' ? fpRound(floatShape(out.f), magWidth) : positRound(positShape(out.p), magWidth);
    const dec = out.kind === 'fp' ? fpDecode(floatShape(out.f)) : positDecode(positShape(out.p));
    deps.push(dec, core, rounder);
    parts = {
      accumulatorBody: {
        template: 'simd-mac/simd_acc_step.v.hbs',
        view: {
          outMsb: outBits - 1,
          outWidth: outBits,
          accSigMsb: accSig - 1,
          xMsb: EXP_WIDTH - 1,
          qMsb: W - 1,
          magMsb: magWidth - 1,
          accDecoder: dec.name,
          accFlagPorts: out.kind === 'fp' ? '.is_inf(acc_inf), .is_nan(acc_other)' : '.is_nar(acc_other)',
          // posits have no infinity: the accumulator never holds one
          accInfDriver: out.kind === 'fp' ? '' : "  assign acc_inf = 1'b0;\n",
          core: core.name,
          rounder: rounder.name,
          lsbExp,
        },
      },
    };
  }
  const modeList = spec.modes.map((m) => `${m.lanes} x ${m.element.name}`).join(' | ');
  return {
    name: moduleName,
    template: 'simd-mac/simd_mac_pe.v.hbs',
    deps,
    parts,
    view: {
      peName,
      modeList,
      output: spec.output.name,
      wordBits: spec.wordBits,
      wordMsb: spec.wordBits - 1,
      accText: spec.accumulation === 'exact' ? `exact accumulation in a ${W}-bit quire, one final rounding` : 'one rounding per step',
      accDatapath: spec.accumulation === 'exact' ? `the quire (${W} bits) accumulates exactly and is rounded once (RNE) at the last step.` : 'the accumulator (an output-format value) is rounded once per step (RNE).',
      nanText: out.kind === 'fp' ? 'the canonical NaN' : 'NaR',
      cellCount: geo.cells,
      twoF: 2 * F,
      modeMsb: modeWidth - 1,
      outMsb: outBits - 1,
      outWidth: outBits,
      xMsb: EXP_WIDTH - 1,
      xWidth: EXP_WIDTH,
      decoders,
      cells,
      shiftBias: 2 * F + offset,
      shMsb: Math.min(EXP_WIDTH, bitsFor(W + offset)) - 1,
      wideMsb: W + offset - 1,
      offset,
      qMsb: W - 1,
      qWidth: W,
      stepSumExpr: cells.map((c) => `c${c.i}_q`).join(' + '),
      stepSpecialExpr: cells.map((c) => `c${c.i}_sp`).join(' | '),
      nanCode,
    },
  };
}

/** The multi-mode PE module and its harness ports (was design.ts simdMacRtl). */
export function simdMacRtl(spec: SimdPeSpec, top: string, peName: string): PeRtl {
  const outBits = spec.output.bits;
  const modeBits = Math.max(1, Math.ceil(Math.log2(spec.modes.length)));
  return {
    module: simdMacPe(spec, top, peName),
    harness: {
      top,
      inputs: [
        port('a', spec.wordBits, 'activation operand word (lanes of the mode)'),
        port('b', spec.wordBits, 'weight operand word'),
        port('mode', modeBits, `SIMD mode: index into (${spec.modes.map((m) => m.element.name).join(', ')})`),
        port('first', 1, 'first step of a dot product'),
        port('last', 1, 'last step of a dot product'),
      ],
      outputs: [port('y', outBits, `the ${spec.output.name} result`)],
    },
  };
}
