/**
 * Never silent (src/estimate/components.ts unpricedComponents): where an array's kind has no analytic tile engine
 * model for the design (CostFacet.engineArea absent, or returning none), the report says the area leaves that
 * engine out — `unpriced` in the JSON, a note line under the readable component table — and the components hold
 * no engine rows for it. A kind that prices its engine lists nothing. The oracle is the facet itself: which
 * designs it prices is read off CostFacet.engineArea, stubbed here to return none or to be absent.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { estimateDesign } from '../../src/estimate/estimate.js';
import { formatEstimate } from '../../src/estimate/format.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { COST } from '../../src/pe/facets/cost.js';

const example = (file: string, accel: string) => {
  const c = compileFile(resolve(import.meta.dirname, '../../examples', file), { readFile: (p) => readFileSync(p, 'utf8') }, {});
  return c.design!.accelerators.find((a) => a.name === accel)!;
};

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

  it('a priced engine (mac weight stationary, bit_serial_mod) lists nothing and prints no note; bitmod2025 and --synth areas list nothing', () => {
    for (const [file, accel] of [
      ['mac-ws.qacc', 'mac_int8'],
      ['bitmod.qacc', 'bitmod'],
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
});
