/**
 * Never silent (src/estimate/components.ts unpricedComponents): where an array's kind has no analytic tile engine
 * model for the design (CostFacet.engineArea absent, or returning none), the report says the area leaves that
 * engine out — `unpriced` in the JSON, a note line under the readable component table — and the components hold
 * no engine rows for it. A kind that prices its engine lists nothing. The oracle is the facet itself: which
 * designs it prices is read off CostFacet.engineArea, stubbed here to return none or to be absent.
 * A priced engine whose fit covers its own logic only lists the sub-units it leaves out (EngineArea.leavesOut):
 * bit_serial_mod's term decoders and writeback multipliers, the weight-stationary mac engine's fp output
 * multipliers (counts by hand), and, for every example accelerator, whatever its generated engine instantiates
 * besides its PE cells (read off the Verilog), unless the kind's model prices its sub-units (lowrank_gemm).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { estimateDesign } from '../../src/estimate/estimate.js';
import { formatEstimate } from '../../src/estimate/format.js';
import { acceleratorModules, engineModule } from '../../src/estimate/synth/design.js';
import { moduleDependencies } from '../../src/estimate/synth/modules.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { COST } from '../../src/pe/facets/cost.js';

const compileExample = (file: string, sets: readonly string[] = []) =>
  compileFile(resolve(import.meta.dirname, '../../examples', file), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] }).design!.accelerators;
const example = (file: string, accel: string, sets: readonly string[] = []) => compileExample(file, sets).find((a) => a.name === accel)!;

const engineRows = (names: readonly string[]) => names.filter((n) => n.includes('tile engine'));

describe('an unpriced tile engine is reported, never silent', () => {
  afterEach(() => vi.restoreAllMocks());

  it('engineArea returning none: the JSON names the engine and why, the table has a note line, no engine rows', () => {
    vi.spyOn(COST.mac as { engineArea: NonNullable<(typeof COST.mac)['engineArea']> }, 'engineArea').mockReturnValue(undefined);
    const r = estimateDesign(example('bitmod.qacc', 'fp16_baseline'));
    expect(r.unpriced).toHaveLength(1);
    expect(r.unpriced[0].component).toBe('fp16_array tile engine');
    expect(r.unpriced[0].reason).toMatch(/mac PE kind's cost facet has no tile engine model for this design/);
    expect(r.unpriced[0].reason).toMatch(/leaves out its logic and RAMs/);
    expect(engineRows(r.components.map((c) => c.name))).toEqual([]);
    const text = formatEstimate(r).split('\n');
    const note = text.findIndex((l) => l.startsWith('  note: fp16_array tile engine not priced: '));
    // under the component table: after its last row (the DRAM interface), before the peak rates
    expect(note).toBe(text.findIndex((l) => l.startsWith('  DRAM interface')) + 1);
    expect(text[note + 1]).toBe('peak');
  });

  it('engineArea absent from the facet: reported with its own reason', () => {
    const saved = Object.getOwnPropertyDescriptor(COST.mac, 'engineArea')!;
    Reflect.deleteProperty(COST.mac, 'engineArea');
    try {
      const r = estimateDesign(example('mac-ws.qacc', 'mac_int8'));
      expect(r.unpriced.map((u) => u.component)).toEqual(['int8_array tile engine']);
      expect(r.unpriced[0].reason).toMatch(/mac PE kind's cost facet has no tile engine model \(CostFacet\.engineArea\)/);
    } finally {
      Object.defineProperty(COST.mac, 'engineArea', saved);
    }
  });

  it('a priced engine without sub-units of its own (mac weight stationary int8, simd_mac) lists nothing and prints no note; bitmod2025 and --synth areas list nothing', () => {
    for (const [file, accel] of [
      ['mac-ws.qacc', 'mac_int8'],
      ['xr-npe.qacc', 'xr_npe'],
    ] as const) {
      const r = estimateDesign(example(file, accel));
      expect(r.unpriced).toEqual([]);
      expect(engineRows(r.components.map((c) => c.name))).toHaveLength(2);
      expect(formatEstimate(r)).not.toMatch(/note: .* not priced/);
    }
    vi.spyOn(COST.mac as { engineArea: NonNullable<(typeof COST.mac)['engineArea']> }, 'engineArea').mockReturnValue(undefined);
    const fp16 = example('bitmod.qacc', 'fp16_baseline');
    expect(estimateDesign(fp16, { costModel: 'bitmod2025' }).unpriced).toEqual([]);
    expect(estimateDesign(fp16, { synthAreas: [] }).unpriced).toEqual([]);
  });

  it('bit_serial_mod: its term decoders (rows × lanes) and writeback multipliers (one per output slot) are listed, with a note line', () => {
    // by hand: bitmod.qacc 32 × 32, 4 lanes, an out port of 32 fp16 results (docs/estimate.md: 128 decoders, 32 multipliers)
    for (const [sets, decoders, multipliers] of [
      [[], '128 term decoders (one per row and lane: 32 × 4', '32 fp writeback multipliers'],
      [['rows=2', 'cols=2'], '8 term decoders (one per row and lane: 2 × 4', '2 fp writeback multipliers'],
    ] as const) {
      for (const [accel, array] of [
        ['bitmod', 'bitmod_array'],
        ['bitmod_authors', 'bitmod_authors_array'],
      ] as const) {
        const r = estimateDesign(example('bitmod.qacc', accel, sets));
        expect(r.unpriced.map((u) => u.component), `${accel} ${sets.join(' ')}`).toEqual([`${array} tile engine sub-units`]);
        expect(r.unpriced[0].reason).toContain(decoders);
        expect(r.unpriced[0].reason).toContain(multipliers);
        expect(formatEstimate(r)).toMatch(/\n {2}note: \S+ tile engine sub-units not priced: \d+ term decoders/);
      }
    }
  });

  it('mac weight stationary: its fp output multipliers (one per column) are listed for fp outputs, nothing for int8', () => {
    // by hand: mac-ws.qacc's fp arrays round each column's accumulator through an fp multiplier by the channel scale
    for (const [sets, cols] of [
      [[], 16],
      [['rows=4', 'cols=3'], 3],
    ] as const) {
      for (const [accel, array] of [
        ['mac_fp16', 'fp16_array'],
        ['mac_w4', 'w4_array'],
      ] as const) {
        const r = estimateDesign(example('mac-ws.qacc', accel, sets));
        expect(r.unpriced.map((u) => u.component), accel).toEqual([`${array} tile engine sub-units`]);
        expect(r.unpriced[0].reason).toMatch(new RegExp(`^${cols} fp output multipliers \\(one per column`));
      }
      expect(estimateDesign(example('mac-ws.qacc', 'mac_int8', sets)).unpriced).toEqual([]);
    }
  });

  it('lowrank_gemm: a sub-unit of a format with no recorded synthesis is listed, not dropped', () => {
    // svdquant.qacc's nvfp4 PE with an fp16 branch: its quantizer (fp16 → nvfp4, one per column) has no recorded synthesis
    const path = resolve(import.meta.dirname, '../../examples/svdquant.qacc');
    const host = { readFile: (p: string) => (p === path ? readFileSync(p, 'utf8').replace('branch = bf16;', 'branch = fp16;') : readFileSync(p, 'utf8')) };
    const c = compileFile(path, host, {});
    const accel = c.design!.accelerators.find((a) => a.name === 'svdquant_nvfp4')!;
    const r = estimateDesign(accel);
    expect(r.unpriced.map((u) => u.component)).toEqual(['nvfp4_array tile engine sub-units']);
    expect(r.unpriced[0].reason).toMatch(/^the logic of 16 × _lowrank_qact_col \(.*fp16_nvfp4/);
    // the design as written is priced whole
    expect(estimateDesign(example('svdquant.qacc', 'svdquant_nvfp4')).unpriced).toEqual([]);
  });

  // The guard: an engine whose generated RTL instantiates any module besides its PE cell has sub-units that the
  // engine-only fits (every kind but lowrank_gemm, whose model prices its sub-units one by one and lists those it
  // cannot, above) leave out, so
  // the report must list them; an engine of PE cells alone lists nothing. The modules are read off the generated
  // Verilog, the PE cells recognised by name (by hand, per kind).
  const PE_CELL = /(_bsm_engine_pe|_mac_cell_\w+_l\d+|_mac_ws_cell_\w+_l\d+|_lowrank_pe|^xr_npe_xr_mac)$/;
  const PRICES_SUB_UNITS = new Set(['lowrank_gemm']);
  it('every example accelerator: engine sub-units besides the PE cells are listed as unpriced unless its model prices them', () => {
    let checked = 0;
    for (const file of ['bitmod.qacc', 'mac-ws.qacc', 'xr-npe.qacc', 'svdquant.qacc']) {
      for (const accel of compileExample(file)) {
        const { modules, top } = acceleratorModules(accel);
        const engine = engineModule(modules, top)!;
        const subs = (moduleDependencies(modules).get(engine) ?? []).filter((m) => !PE_CELL.test(m));
        const kind = accel.arrays[0].pe.kind;
        const listed = estimateDesign(accel).unpriced.some((u) => u.component === `${accel.arrays[0].name} tile engine sub-units`);
        expect({ accel: accel.name, subs: subs.length > 0, listed }).toEqual({ accel: accel.name, subs: subs.length > 0, listed: subs.length > 0 && !PRICES_SUB_UNITS.has(kind) });
        checked++;
      }
    }
    expect(checked).toBe(11); // 5 + 3 + 1 + 2 accelerators
  });
});
