/**
 * The mac tile engine (src/pe/mac/rtl-engine.ts) alone under Verilator, against the simulator:
 * a self-bench (sims/verilator/engine_mac_bench.v.hbs) gives the engine behavioural buffer memories and
 * runs a command list back to back; every command's cycles must equal the simulator's closed forms
 * (macTileCycles / macDequantCycles / macWritebackCycles, src/pe/mac/timing.ts) and the final out memory
 * must equal the simulator's arithmetic (src/pe/mac/sim.ts macTile / macDequant / macWriteback on an
 * AccStore — the golden model's mac datapath) applied to the same buffer images. One small design per
 * variant (fp16_fma with fp32 accumulator, lanes 1; fp16_int8 with fp16 accumulator and channel scales,
 * lanes 2, 3 pipeline stages, 6- and 3-byte ports; int8, lanes 4, 2 stages) so chunking, lane masks
 * (k not a multiple of lanes) and the pipeline are all exercised; operands include ±0, ±inf, NaN, the
 * largest finite values and subnormals. Also: -Wall lint, trap codes, Yosys synthesis of a small engine.
 */
import { describe, expect, beforeAll, it } from 'vitest';
import { compileGemm } from '../../../src/compile/program.js';
import { randomOperands } from '../../../src/compile/operands.js';
import type { TargetOf } from '../../../src/pe/facets/compile.js';
import { RTL } from '../../../src/pe/facets/rtl.js';
import { MAC_ENGINE_TRAPS, macEngine } from '../../../src/pe/mac/rtl-engine.js';
import type { MacConfig } from '../../../src/pe/mac/golden.js';
import { createInstruction, type Instruction } from '../../../src/isa/index.js';
import { Machine } from '../../../src/sim/index.js';
import { macDequantCycles, macTileCycles, macWritebackCycles } from '../../../src/pe/mac/timing.js';
import { runRtlProgram } from '../../../src/verify/rtl/program-bench.js';
import { lintVerilog } from '../../../src/verify/rtl/verilator.js';
import { synthesize } from '../../../src/verify/rtl/yosys.js';
import { prng } from '../../verify/rtl-helpers.js';
import { buildBench, E2E_ACCELERATORS, E2E_IMEM_WORDS, e2eTarget, type E2eAccelerator, engineFiles, images, prebuild, randomProgram, reference, runBench, target, VARIANTS, type Command, type Images } from './rtl-engine-bench.js';

function expectBenchMatches(t: TargetOf<'mac'>, binary: string, img: Images, cmds: readonly Command[], what: string): void {
  const got = runBench(binary, img, cmds);
  const want = reference(t, img, cmds);
  expect({ what, trap: got.trap, errors: got.errors }).toEqual({ what, trap: 0, errors: 0 });
  expect(got.cycles, `${what}: cycles per command (${cmds.map((c) => c.inst.kind).join(' ')})`).toEqual(want.cycles);
  const diff: string[] = [];
  for (let i = 0; i < want.out.length && diff.length < 8; i++) if (got.out[i] !== want.out[i]) diff.push(`out[${i}] = 0x${got.out[i]?.toString(16)} want 0x${want.out[i].toString(16)}`);
  expect(diff, what).toEqual([]);
  expect(got.out.length).toBe(want.out.length);
}


describe('mac tile engine', () => {
  // the Verilator builds run in a child process: a blocked test worker would time out its runner RPC
  beforeAll(() => prebuild(VARIANTS.map((v) => v.name)), 900_000);

  it('is registered for the mac PE kind (the output-stationary engine for an output-stationary array)', () => {
    const t = target('m_fma', 24);
    expect(RTL.mac.engine(t, { moduleName: 'e', prefix: 'p_', peModuleName: 'pe' })).toEqual(macEngine(t, { moduleName: 'e', prefix: 'p_', peModuleName: 'pe' }));
  });

  it('the documented schedule, by hand: fetch + steps + stages + 2 per pass; scale reads; one token per out-port write', () => {
    const t = target('m_fma', 24); // 2 x 2 array; ports: act 8 B, wgt 4 B, meta 4 B, out 8 B; lanes 1, S 1
    expect([t.portBytes.act, t.portBytes.wgt, t.portBytes.meta, t.portBytes.out]).toEqual([8, 4, 4, 8]);
    // m = 2, n = 2, k = 5: act rows of 10 B → 2 reads each (4), wgt rows → 3 each (6); 6 + 5 + 1 + 2
    expect(macTileCycles(t, 2, 2, 5)).toBe(14);
    // n = 3 takes a second pass of one weight row: max(4, 3) + 5 + 1 + 2 = 12 more
    expect(macTileCycles(t, 2, 3, 5)).toBe(14 + 12);
    expect(macDequantCycles(t, 2, true)).toBe(1 + 2); // 4 scale bytes in one 4-byte read
    expect(macDequantCycles(t, 3, true)).toBe(2 + 2);
    expect(macDequantCycles(t, 3, false)).toBe(2);
    expect(macWritebackCycles(t, 2, 2)).toBe(2 * 1 + 2); // 4 output bytes of a token in one 8-byte write
    const i8 = target('m_i8', 40); // 2 x 3 array, lanes 4, S 2, act 16 B, wgt 2 B, out 16 B (int32 outputs)
    // m = 3, n = 2, k = 7: act 3 × 1, wgt 2 × 4 = 8; ceil(7 / 4) = 2 steps; 8 + 2 + 2 + 2
    expect(macTileCycles(i8, 3, 2, 7)).toBe(14);
    expect(macWritebackCycles(i8, 3, 2)).toBe(3 + 2);
    const i16 = target('m_int', 20); // 3 x 2 array, int8 weights, fp16 out; out port 6 B
    expect(macWritebackCycles(i16, 2, 3)).toBe(2 * 1 + 2);
    expect(macWritebackCycles(i16, 2, 1)).toBe(2 * 1 + 2);
  });

  for (const v of VARIANTS) {
    it(`${v.variant}: lints clean with verilator -Wall`, async () => {
      const t = target(v.name, v.maxTileK);
      expect(t.golden.variant).toBe(v.variant);
      expect(await lintVerilog('mac_engine', engineFiles(t))).toEqual([]);
    }, 60_000);

    it(`${v.variant}: random tiles back to back = simulator (out bytes and cycles per instruction)`, async () => {
      const t = target(v.name, v.maxTileK);
      const binary = await buildBench(t);
      for (const seed of [1, 2]) {
        const rnd = prng(seed * 977 + v.maxTileK);
        const img = images(t, rnd, 0.06);
        expectBenchMatches(t, binary, img, randomProgram(t, rnd, 6), `${v.variant} seed ${seed}`);
      }
      // corner content: operands mostly special values (inf − inf, NaN, overflow to inf, signed zeros)
      const rnd = prng(4242);
      const img = images(t, rnd, 0.6);
      expectBenchMatches(t, binary, img, randomProgram(t, rnd, 4), `${v.variant} specials`);
    }, 300_000);
  }

  it('traps: unsupported instruction, multi-pass tile, acc ≠ 0, k beyond staging, bounds, relu, accumulator state', async () => {
    const t = target('m_fma', 24);
    const binary = await buildBench(t);
    const img = images(t, prng(7), 0);
    const T = MAC_ENGINE_TRAPS;
    const ok = createInstruction('mac_tile', { act: 0, wgt: 0, acc: 0, clear: true });
    const cases: [string, Command[], number][] = [
      ['simd_tile', [{ m: 1, n: 1, k: 1, inst: createInstruction('simd_tile', { act: 0, wgt: 0, acc: 0 }) }], T.unsupported],
      ['dequant use_bias', [{ m: 1, n: 1, k: 1, inst: ok }, { m: 1, n: 1, k: 1, inst: createInstruction('dequant', { acc: 0, use_bias: true }) }], T.unsupported],
      ['m > cols', [{ m: t.array.cols + 1, n: 1, k: 4, inst: ok }], T.multiPass],
      ['acc = 4', [{ m: 1, n: 1, k: 4, inst: createInstruction('mac_tile', { act: 0, wgt: 0, acc: 4, clear: true }) }], T.accBase],
      ['k > maxTileK', [{ m: 1, n: 1, k: 25, inst: ok }], T.tileK],
      ['act past the buffer', [{ m: 2, n: 1, k: 24, inst: createInstruction('mac_tile', { act: t.capacity.act - 60, wgt: 0, acc: 0, clear: true }) }], T.bounds],
      ['relu', [{ m: 1, n: 1, k: 1, inst: ok }, { m: 1, n: 1, k: 1, inst: createInstruction('writeback', { acc: 0, out: 0, relu: true }) }], T.relu],
      ['writeback of another shape', [{ m: 1, n: 2, k: 3, inst: ok }, { m: 2, n: 1, k: 1, inst: createInstruction('writeback', { acc: 0, out: 0 }) }], T.accState],
      ['second channel scaling', [{ m: 1, n: 2, k: 3, inst: ok }, ...[0, 1].map(() => ({ m: 1, n: 2, k: 3, inst: createInstruction('dequant', { acc: 0, cscale: 0, use_cscale: true }) }))], T.accState],
    ];
    for (const [what, cmds, code] of cases) {
      const r = runBench(binary, img, cmds);
      expect({ what, trap: r.trap, errors: r.errors, last: r.cycles[cmds.length - 1] }).toEqual({ what, trap: code, errors: 0, last: 2 });
    }
  }, 300_000);

  it('synthesizes with Yosys (int8, 4 lanes, 2 x 1 array)', async () => {
    const t = target('m_syn', 8);
    const r = await synthesize('mac_engine', engineFiles(t));
    expect(r.cells).toBeGreaterThan(100);
    // the operand staging stays RAMs (one per bank, byte write enables), not flip-flops
    expect(r.stat).toMatch(/\$mem_v2/);
  }, 300_000);
});

describe('mac tile engine in the accelerator top', () => {
  beforeAll(() => prebuild(E2E_ACCELERATORS), 900_000);

  const cases: [E2eAccelerator, MacConfig, string][] = [
    ['fp16_baseline', { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp32' }, 'mac_tile writeback'],
    ['ant_baseline', { kind: 'mac', variant: 'fp16_int8', accumulator: 'fp32' }, 'mac_tile dequant writeback'],
  ];
  for (const [name, golden, uses] of cases) {
    it(`a compiled ${name} GEMM (2 x 2 array, k split in tiles; ${uses}): the RTL leaves the simulator's DRAM after the simulator's cycles`, () => {
      const t = e2eTarget(name);
      expect({ ...t.golden }).toEqual(golden);
      for (const [shape, seed] of [[{ m: 3, k: 40, n: 3 }, 11], [{ m: 2, k: 70, n: 4 }, 12]] as const) {
        const ops = randomOperands(t, shape, seed);
        const compiled = compileGemm(t, shape, ops);
        const kinds = new Set(compiled.program.map((i) => i.kind));
        for (const k of uses.split(' ')) expect(kinds.has(k as Instruction['kind']), `${name} uses ${k}`).toBe(true);
        expect(compiled.program.some((i) => i.kind === 'mac_tile' && !i.clear)).toBe(true);
        const dram = compiled.dram as Uint8Array;
        const simDram = dram.slice();
        const stats = new Machine(t, compiled.program, simDram).run();
        const r = runRtlProgram({ target: t, program: compiled.program, dram, imemWords: E2E_IMEM_WORDS, cycleLimit: 10 * stats.cycles + 1000 });
        expect({ name, shape, trap: r.trapCode, cycles: r.cycles }).toEqual({ name, shape, trap: 0, cycles: stats.cycles });
        let first = -1;
        for (let i = 0; i < simDram.length && first < 0; i++) if (r.dram[i] !== simDram[i]) first = i;
        expect({ name, shape, firstDramDifference: first }).toEqual({ name, shape, firstDramDifference: -1 });
      }
    }, 600_000);
  }
});
