/**
 * The tile engine extrapolation of `qacc estimate --synth` on real syntheses: `npm run synth:study -- engine
 * <example>` records the engine (its sub-units blackboxed, as `--synth` synthesizes it) at its model's sample
 * sizes and at held-out sizes in engine-synth-samples.json (Yosys generic flow). No Yosys runs here: the
 * model (the kind's CostFacet.engineGrowth, else the generic one) is fitted on the recorded samples and must
 * predict every held-out size within the error docs/estimate.md states ("Tile engine extrapolation"). A record
 * made by the study carries each size's synthesis cache key, and must be of the engine RTL generated today;
 * a record of an earlier engine RTL (its `rtl` note says which; no keys) still checks the model's form on
 * real syntheses. The recorded fit sizes must be those the model samples.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthCacheKey } from '../../../src/estimate/synth/cache.js';
import { engineFiles, engineGrowth, engineSampleAccelerator } from '../../../src/estimate/synth/design.js';
import { extrapolateEngine } from '../../../src/estimate/synth/engine-fit.js';
import type { SynthStats } from '../../../src/estimate/synth/types.js';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { bitSerialModEngineArea } from '../../../src/pe/bit-serial-mod/cost-engine.js';
import type { EngineArea } from '../../../src/pe/facets/cost.js';
import type { TargetOf } from '../../../src/pe/facets/compile.js';
import { macEngineArea } from '../../../src/pe/mac/cost-engine.js';
import { simdMacEngineArea } from '../../../src/pe/simd-mac/cost-engine.js';

/** |predicted / synthesized − 1| of transistors at each held-out size, as docs/estimate.md states it. */
const STATED_HELD_OUT_ERROR: Readonly<Record<string, number>> = { bitmod: 0.03, 'bitmod@c393862^': 0.01, 'xr-npe': 0.03, 'xr-npe-16': 0.01, 'mac-ws': 0.01, 'mac-ws-fp16': 0.02, 'mac-ws-w4': 0.02, 'fp16-baseline': 0.03, 'ant-baseline': 0.03 };

interface RecordedPoint {
  readonly rows: number;
  readonly cols: number;
  readonly role: 'fit' | 'held out';
  readonly key: string | null;
  readonly transistors: number;
  readonly cells: number;
  readonly memory_bits: number;
  readonly levels: number;
}

const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../engine-synth-samples.json'), 'utf8')) as {
  readonly yosys: string;
  readonly flow: string;
  readonly examples: Readonly<Record<string, { readonly example: { readonly file: string; readonly accel: string; readonly sets?: readonly string[] }; readonly rtl?: string; readonly points: readonly RecordedPoint[] }>>;
};

const own = (p: RecordedPoint): SynthStats => ({ cells: p.cells, cell_types: {}, transistors: p.transistors, memory_bits: p.memory_bits, levels: p.levels });

describe.each(Object.entries(STATED_HELD_OUT_ERROR))('tile engine extrapolation of %s against held-out syntheses', (name, bound) => {
  const rec = fixture.examples[name];
  const path = resolve(import.meta.dirname, '../../../examples', rec.example.file);
  const c = compileFile(path, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...(rec.example.sets ?? [])] });
  const accel = c.design!.accelerators.find((a) => a.name === rec.example.accel)!;
  const growth = engineGrowth(accel);
  const fit = rec.points.filter((p) => p.role === 'fit');
  const held = rec.points.filter((p) => p.role === 'held out');

  it('has recorded the sizes the model samples, and at least one held-out size beyond them, each with its RTL (cache keys, or a note)', () => {
    expect(rec.points.every((p) => p.key !== null) || (rec.rtl ?? '').length > 0).toBe(true);
    expect(fit.map((p) => `${p.rows}x${p.cols}`)).toEqual(growth.points.map((p) => `${p.rows}x${p.cols}`));
    expect(held.length).toBeGreaterThan(0);
  });

  it.runIf(rec.points.every((p) => p.key !== null))('has recorded syntheses of the engine RTL generated today (else re-run npm run synth:study -- engine)', () => {
    for (const p of rec.points) {
      const { engine, subs } = engineFiles(engineSampleAccelerator(accel, p.rows, p.cols));
      expect(synthCacheKey({ flow: fixture.flow, yosys: fixture.yosys, module: engine.name, params: {}, files: [engine], libFiles: subs }), `${p.rows} × ${p.cols}`).toBe(p.key);
    }
  });

  it('predicts the memory bits of every held-out size exactly (RAMs: words × width, on the memory terms)', () => {
    const samples = fit.map((p) => ({ rows: p.rows, cols: p.cols, own: own(p) }));
    for (const h of held) expect(extrapolateEngine(samples, h.rows, h.cols, growth).memory_bits, `${h.rows} × ${h.cols}`).toBe(h.memory_bits);
  });

  it(`predicts every held-out size within ${100 * bound}% (transistors)`, () => {
    const samples = fit.map((p) => ({ rows: p.rows, cols: p.cols, own: own(p) }));
    for (const h of held) {
      const got = extrapolateEngine(samples, h.rows, h.cols, growth).transistors;
      expect(Math.abs(got / h.transistors - 1), `${h.rows} × ${h.cols}: ${got} predicted, ${h.transistors} synthesized`).toBeLessThanOrEqual(bound);
    }
  });
});

// The analytic estimate prices the bit_serial_mod, simd_mac and both mac engines with their kinds'
// committed fits (CostFacet.engineArea): each must be the fit `--synth` makes of the recorded samples of its
// record, at the sample sizes and far beyond them.
const ANALYTIC_MODELS: readonly (readonly [string, string, (array: { rows: number; cols: number }, t: ReturnType<typeof resolveTarget>) => EngineArea | undefined])[] = [
  ['bit_serial_mod', 'bitmod', (array, t) => bitSerialModEngineArea(array, t as TargetOf<'bit_serial_mod'>)],
  ['simd_mac', 'xr-npe', (array, t) => simdMacEngineArea(array, t)],
  ['mac (weight stationary)', 'mac-ws', (array, t) => macEngineArea(array, t as TargetOf<'mac'>)],
  ['mac (output stationary)', 'fp16-baseline', (array, t) => macEngineArea(array, t as TargetOf<'mac'>)],
];

describe.each(ANALYTIC_MODELS)('the analytic %s engine model is the fit of the recorded %s samples', (_kind, name, model) => {
  const rec = fixture.examples[name];
  const path = resolve(import.meta.dirname, '../../../examples', rec.example.file);
  const c = compileFile(path, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...(rec.example.sets ?? [])] });
  const accel = c.design!.accelerators.find((a) => a.name === rec.example.accel)!;
  const growth = engineGrowth(accel);
  const samples = rec.points.filter((p) => p.role === 'fit').map((p) => ({ rows: p.rows, cols: p.cols, own: own(p) }));
  const target = resolveTarget(accel);
  it.each([[2, 2], [4, 4], [8, 2], [8, 8], [16, 16], [32, 32], [64, 16]])('%i × %i', (rows, cols) => {
    const fit = extrapolateEngine(samples, rows, cols, growth);
    const m = model({ rows, cols }, target)!;
    expect(Math.abs(m.transistors - fit.transistors)).toBeLessThanOrEqual(Math.max(2, 1e-5 * fit.transistors));
    expect(Math.abs(m.memoryBits - fit.memory_bits)).toBeLessThanOrEqual(1);
  });
});

// The simd_mac coefficients are fitted at xr-npe's size = 32 (128-byte operand ports); xr-npe at its default
// size = 16 (64-byte ports, 16 writeback slots) is priced by them through the per-chunk-bit row and column
// terms. Every size of the xr-npe-16 record, none of them used by that fit, must come out within the stated error.
const SIMD_MAC_OTHER_PORTS_ERROR = 0.08;

describe('the analytic simd_mac engine model at other ports: the recorded xr-npe-16 syntheses', () => {
  const rec = fixture.examples['xr-npe-16'];
  const path = resolve(import.meta.dirname, '../../../examples', rec.example.file);
  const c = compileFile(path, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...(rec.example.sets ?? [])] });
  const target = resolveTarget(c.design!.accelerators.find((a) => a.name === rec.example.accel)!);
  it.each(rec.points.map((p) => [p.rows, p.cols, p] as const))(`%i × %i within ${100 * SIMD_MAC_OTHER_PORTS_ERROR}%, RAM bits exact`, (_r, _c, p) => {
    const m = simdMacEngineArea({ rows: p.rows, cols: p.cols }, target);
    expect(Math.abs(m.transistors / p.transistors - 1), `${m.transistors} priced, ${p.transistors} synthesized`).toBeLessThanOrEqual(SIMD_MAC_OTHER_PORTS_ERROR);
    expect(m.memoryBits).toBe(p.memory_bits);
  });
});

// The weight-stationary mac coefficients are fitted on mac-ws's mac_int8 (8-bit operands, int32 accumulators);
// mac_fp16 and mac_w4 are priced by them through the per-register-bit PE and skew terms. Every size of their
// records, none of them used by that fit, must come out within the stated error.
const MAC_WS_OTHER_DATAPATHS_ERROR = 0.05;

describe.each(['mac-ws-fp16', 'mac-ws-w4'])('the analytic weight-stationary mac engine model on another datapath: the recorded %s syntheses', (name) => {
  const rec = fixture.examples[name];
  const path = resolve(import.meta.dirname, '../../../examples', rec.example.file);
  const c = compileFile(path, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...(rec.example.sets ?? [])] });
  const target = resolveTarget(c.design!.accelerators.find((a) => a.name === rec.example.accel)!) as TargetOf<'mac'>;
  it.each(rec.points.map((p) => [p.rows, p.cols, p] as const))(`%i × %i within ${100 * MAC_WS_OTHER_DATAPATHS_ERROR}%, RAM bits exact`, (_r, _c, p) => {
    const m = macEngineArea({ rows: p.rows, cols: p.cols }, target);
    expect(Math.abs(m.transistors / p.transistors - 1), `${m.transistors} priced, ${p.transistors} synthesized`).toBeLessThanOrEqual(MAC_WS_OTHER_DATAPATHS_ERROR);
    expect(m.memoryBits).toBe(p.memory_bits);
  });
});

// The output-stationary mac coefficients are fitted on bitmod.qacc's fp16_baseline (fp16 × fp16); ANT's baseline
// (8-bit stored flint4 weights, its dequant's channel scales) is priced by them (the same W = 32). Every size of its
// record, none of them used by that fit, must come out within the stated error.
const MAC_OS_OTHER_DATAPATHS_ERROR = 0.04;

describe('the analytic output-stationary mac engine model on another datapath: the recorded ant-baseline syntheses', () => {
  const rec = fixture.examples['ant-baseline'];
  const path = resolve(import.meta.dirname, '../../../examples', rec.example.file);
  const c = compileFile(path, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...(rec.example.sets ?? [])] });
  const target = resolveTarget(c.design!.accelerators.find((a) => a.name === rec.example.accel)!) as TargetOf<'mac'>;
  it.each(rec.points.map((p) => [p.rows, p.cols, p] as const))(`%i × %i within ${100 * MAC_OS_OTHER_DATAPATHS_ERROR}%, RAM bits exact`, (_r, _c, p) => {
    const m = macEngineArea({ rows: p.rows, cols: p.cols }, target);
    expect(Math.abs(m.transistors / p.transistors - 1), `${m.transistors} priced, ${p.transistors} synthesized`).toBeLessThanOrEqual(MAC_OS_OTHER_DATAPATHS_ERROR);
    expect(m.memoryBits).toBe(p.memory_bits);
  });
});
