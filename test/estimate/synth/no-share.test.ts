/**
 * CostFacet.synthNoShare / SynthOptions.noShare: a unit named there is synthesized by the generic flow with
 * `synth -noshare` (Yosys's SAT-based resource sharing left out: lowrank_gemm's engine PE, where `share`
 * does not finish; the xilinx flow runs synth_xilinx's `coarse` step by hand without `share`), every other unit as before. The Yosys worker is a stub here that
 * records the script it is given: no Yosys runs.
 */
import { describe, expect, it, vi } from 'vitest';

const scripts = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/verify/rtl/yosys.js', () => ({
  runYosysInWorker: (args: string[]) => {
    scripts.push(args[args.indexOf('-p') + 1]);
    return Promise.resolve({ ok: false, message: 'stub', log: '' });
  },
}));

const { synthesizeUnit } = await import('../../../src/estimate/synth/synthesize.js');

const unit = (name: string): { name: string; text: string } => ({ name, text: `module ${name}(input a, output y); assign y = a; endmodule\n` });
const synthCommand = (script: string): string => script.split('; ').find((c) => /^synth(_xilinx)? /.test(c)) ?? '';

describe('units synthesized without resource sharing', () => {
  it('the generic flow leaves share out for the named units only', async () => {
    const noShare = (m: string): boolean => m.endsWith('_lowrank_pe');
    for (const name of ['top_lowrank_pe', 'top_engine_lowrank_gemm']) await synthesizeUnit(name, {}, [unit(name)], [], { flow: 'generic', cacheDir: null, noShare }).catch(() => undefined);
    expect(scripts.map(synthCommand)).toEqual(['synth -top top_lowrank_pe -flatten -noshare -run begin:fine', 'synth -top top_engine_lowrank_gemm -flatten -run begin:fine']);
    scripts.length = 0;
    await synthesizeUnit('top_lowrank_pe', {}, [unit('top_lowrank_pe')], [], { flow: 'xilinx', cacheDir: null, noShare }).catch(() => undefined);
    // synth_xilinx has no -noshare: for the named unit its `coarse` step is run by hand without `share`
    await synthesizeUnit('top_engine_lowrank_gemm', {}, [unit('top_engine_lowrank_gemm')], [], { flow: 'xilinx', cacheDir: null, noShare }).catch(() => undefined);
    const [named, other] = scripts.map((s) => s.split('; '));
    const x = 'synth_xilinx -family xcup -top';
    expect(named.filter((c) => c.startsWith('synth_xilinx'))).toEqual([`${x} top_lowrank_pe -flatten -noiopad -run begin:coarse`, `${x} top_lowrank_pe -flatten -noiopad -run map_memory:map_ffram`, `${x} top_lowrank_pe -flatten -noiopad -run fine:`]);
    expect(named).toContain('alumacc');
    expect(named).not.toContain('share');
    expect(other.filter((c) => c.startsWith('synth_xilinx'))).toEqual([`${x} top_engine_lowrank_gemm -flatten -noiopad -run begin:map_ffram`, `${x} top_engine_lowrank_gemm -flatten -noiopad -run fine:`]);
  });
});
