/**
 * simd_mac's compile hooks (src/pe/facets/compile.ts): one target per SIMD mode (element format, output,
 * exact or round-each-step accumulation, max_dot_length), K bounded by max_dot_length, k tiles aligned to
 * the mode's lanes when rounding every step, and one `simd_tile` per k step; no meta, no
 * epilogue. Moved verbatim from compile/target.ts and compile/program.ts (issue 12, step 0b).
 */
import type { Span } from '../../dsl/source.js';
import type { SimdMacPe } from './schema.js';
import { createInstruction } from '../../isa/encode.js';
import { FORMAT_NAMES, type IsaFormat } from '../../isa/generated-types.js';
import { CompileError } from '../../compile/errors.js';
import { diagnoseTarget, portBuffers, reportNarrowPorts, UnsupportedProperty } from '../../compile/kind-support.js';
import { packMatrix } from '../../compile/pack.js';
import type { CompileFacet, KindTarget } from '../facets/compile.js';
import { simdElementProblem, simdOutputProblem, type SimdElementFormat, type SimdMacConfig, type SimdOutputFormat } from './golden.js';
import { SIMD_ENGINE_MAX_MODES, SIMD_ENGINE_WORD_BITS, simdEngineProblem } from './compile-engine.js';
import { simdMacOperands } from './operands.js';

/** The setfmt code of a format: its own name where the ISA has one, else `fallback` (a generic slot code). */
function isaFormatOf(name: string, fallback: IsaFormat): IsaFormat {
  return (FORMAT_NAMES as readonly string[]).includes(name) ? (name as IsaFormat) : fallback;
}

function simdTarget(pe: SimdMacPe, mode: number): KindTarget<'simd_mac'> {
  const m = pe.modes[mode];
  if (!m) throw new CompileError('unsupported', `simd_mac PE '${pe.name}' has ${pe.modes.length} modes; mode ${mode} does not exist`);
  const elementProblem = simdElementProblem(m.format);
  if (elementProblem !== undefined) throw new UnsupportedProperty('modes', `simd_mac PE '${pe.name}': ${elementProblem}`);
  const outputProblem = simdOutputProblem(pe.output);
  if (outputProblem !== undefined) throw new UnsupportedProperty('output', `simd_mac PE '${pe.name}': ${outputProblem}`);
  // verify decodes results through the output's setfmt code: it must name the format
  const out = isaFormatOf(pe.output.name, 'none');
  if (out === 'none') throw new UnsupportedProperty('output', `simd_mac PE '${pe.name}': the ISA's setfmt has no code for the output format ${pe.output.name}`);
  const engine = simdEngineProblem(pe.operandWidth, m.lanes, m.laneBits, pe.output.bits);
  if (engine !== undefined) throw new UnsupportedProperty(engine.property, `simd_mac PE '${pe.name}': ${engine.message}`);
  const golden: SimdMacConfig = {
    kind: 'simd_mac',
    element: m.format as SimdElementFormat,
    lanes: m.lanes,
    wordBits: pe.operandWidth,
    output: pe.output as SimdOutputFormat,
    accumulation: pe.accumulation === 'exact' ? 'exact' : 'round-each-step',
    maxDotLength: pe.maxDotLength,
  };
  const element = isaFormatOf(m.format.name, `slot${mode}` as IsaFormat);
  return {
    golden,
    bits: { act: m.laneBits, wgt: m.laneBits, gscale: 0, selector: 0, cscale: 0, branch: 0, out: pe.output.bits },
    formats: { act: element, wgt: element, raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: 'none', out, lr: 'none' },
    groupSize: 1,
    rank: 0,
    maxTileK: Infinity,
    macsPerPe: m.lanes,
  };
}

export const simdMacCompile: CompileFacet<'simd_mac'> = {
  variants: (pe) => pe.modes.length,
  target: (pe, variant) => simdTarget(pe, variant),
  diagnose(accel, pe, sink) {
    // every mode is a target; a rejection they share (the output) is reported once
    const seen = new Set<string>();
    const once = { report: (span: Span, message: string) => void (seen.has(message) || (seen.add(message), sink.report(span, message))) };
    const spanOf = (p: string): Span => pe.paramSpans[p] ?? pe.span;
    if (pe.modes.length > SIMD_ENGINE_MAX_MODES) once.report(spanOf('modes'), `setmode selects one of at most ${SIMD_ENGINE_MAX_MODES} SIMD modes (PE '${pe.name}' declares ${pe.modes.length})`);
    // a mode's own rejection points at the mode (`4 x fp8_e4m3fnuz`), the others at their property
    for (let mode = 0; mode < pe.modes.length; mode++) {
      const at = { ...pe, paramSpans: { ...pe.paramSpans, modes: pe.modes[mode].span } };
      diagnoseTarget(at, once, () => simdTarget(pe, mode));
    }
    // the engine (rtl-engine.ts simdEngineGeometry) fetches whole operand words and writes whole results
    const ports = portBuffers(accel);
    const outBits = 8 * Math.ceil(pe.output.bits / 8);
    reportNarrowPorts(sink, 'simd_mac', [
      [ports.act, SIMD_ENGINE_WORD_BITS, `reads one ${SIMD_ENGINE_WORD_BITS}-bit activation word`],
      [ports.wgt, SIMD_ENGINE_WORD_BITS, `reads one ${SIMD_ENGINE_WORD_BITS}-bit weight word`],
      [ports.out, outBits, `writes one ${pe.output.name} output`],
    ]);
  },
  randomOperands: simdMacOperands,
  checkShape(t, shape) {
    if (shape.k > t.golden.maxDotLength) throw new CompileError('capacity', `K = ${shape.k} exceeds the SIMD MAC's max_dot_length ${t.golden.maxDotLength}`);
  },
  kAlign: (t) => (t.golden.accumulation === 'round-each-step' ? t.golden.lanes : 1),
  slotNeeds: () => ({ actExtra: 0, meta: 0, lrw: 0, offsets: {} }),
  stepRowBytes: () => 0,
  layoutDram: () => ({}),
  packDram(t, shape, _tiling, layout, o, mem) {
    packMatrix(o.activations, shape.m, shape.k, t.bits.act, mem, layout.a);
    packMatrix(o.weights, shape.n, shape.k, t.bits.wgt, mem, layout.w);
  },
  preamble: () => [],
  stepLoads: () => [],
  tileInstructions: (_t, s) => [createInstruction('simd_tile', { act: s.act, wgt: s.wgt, acc: 0, pop_prev: true, clear: s.first, push_prev: !s.last })],
  epilogue: () => [],
};
