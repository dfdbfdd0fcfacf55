/**
 * The mac geometry stated once (src/pe/mac/microarch.ts): the cells' accumulator width (macAccumulator), which the
 * RTL generators size the psums and accumulator memories by and the cost model prices. Oracles: the widths by hand
 * (int8 → a 32-bit integer, fp16 / fp32 accumulators → 16 / 32 bits), and the generated Verilog of mac-ws.qacc's
 * three weight-stationary engines, whose accumulator memories' declarations are what the cost model's RAM-bit term
 * (macEngineGrowth's memory term) must count.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAcceleratorRtl } from '../../../src/codegen/verilog/design.js';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import type { TargetOf } from '../../../src/pe/facets/compile.js';
import { macEngineGrowth } from '../../../src/pe/mac/cost-engine.js';
import { macAccumulator } from '../../../src/pe/mac/microarch.js';
import { rtlTemplates } from '../../../src/verify/rtl/templates.js';

const host = { readFile: (p: string) => readFileSync(p, 'utf8') };

describe('mac accumulator (macAccumulator)', () => {
  it('int8: a 32-bit integer; fp variants: the declared fp16 or fp32', () => {
    expect(macAccumulator({ kind: 'mac', variant: 'int8' })).toEqual({ bits: 32 });
    for (const config of [
      { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp32' },
      { kind: 'mac', variant: 'fp16_int8', accumulator: 'fp32' },
    ] as const) {
      expect(macAccumulator(config).bits).toBe(32);
      expect(macAccumulator(config).float?.name).toBe('fp32');
      expect(macAccumulator({ ...config, accumulator: 'fp16' }).bits).toBe(16);
      expect(macAccumulator({ ...config, accumulator: 'fp16' }).float?.name).toBe('fp16');
    }
  });

  it("the weight-stationary engines' Verilog declares accumulator memories of that width, and the cost model's RAM bits are theirs", () => {
    const c = compileFile(resolve(import.meta.dirname, '../../../examples/mac-ws.qacc'), host, { overrides: ['rows=3', 'cols=2'] });
    // by hand, from mac-ws.qacc: int8 (int32), fp16 × fp16 into fp32, int4 weights into fp16
    const want: Record<string, number> = { mac_int8: 32, mac_fp16: 32, mac_w4: 16 };
    for (const a of c.design!.accelerators) {
      const t = resolveTarget(a) as TargetOf<'mac'>;
      const engine = generateAcceleratorRtl(a, rtlTemplates, { source: 'test', version: 'test' }).files.find((f) => f.path.endsWith('_engine_mac.v'));
      expect(engine, a.name).toBeDefined();
      const m = /reg \[(\d+):0\] accm \[0:(\d+) - 1\];/.exec(engine!.text);
      expect(m, a.name).not.toBeNull();
      const [width, depth] = [Number(m![1]) + 1, Number(m![2])];
      expect(width, a.name).toBe(want[a.name]);
      expect(macAccumulator(t.golden).bits, a.name).toBe(width);
      // one memory per column (the generate loop over the columns)
      expect(macEngineGrowth(t).memoryTerms![0].at(3, 2), a.name).toBe(2 * depth * width);
    }
  });
});
