/**
 * The weight-stationary mac tile engine (src/pe/mac/rtl-engine-ws.ts, `dataflow = weight_stationary`) under
 * Verilator, against the simulator: the mac self-bench (rtl-engine-bench.ts) runs random command lists back
 * to back on three small WS designs (fp16 FMA / fp16 × int8 with channel scales / int8; several lanes,
 * pipeline stages and port widths, so weight columns and token rows take several reads and tiles several
 * weight passes); every command's cycles must equal the closed form (macTileCycles → macWsTileCycles,
 * src/pe/mac/compile-ws.ts) and the out memory the simulator's arithmetic (golden.ts's macDot through
 * sim.ts). Tokens go past the array's columns (m up to what the buffers hold, ≤ the accumulator depth).
 * Also: the closed form by hand, -Wall lint, the shape traps, and a compiled GEMM in the accelerator top
 * (golden = simulator = RTL outputs, RTL cycles = simulator cycles).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGemm } from '../../../src/compile/program.js';
import { randomOperands } from '../../../src/compile/operands.js';
import { rowBytes, unpackMatrix } from '../../../src/compile/pack.js';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { createInstruction } from '../../../src/isa/index.js';
import type { TargetOf } from '../../../src/pe/facets/compile.js';
import { RTL } from '../../../src/pe/facets/rtl.js';
import { MAC_WS_ACC_DEPTH } from '../../../src/pe/mac/compile-ws.js';
import { macGemm, type MacOperands } from '../../../src/pe/mac/golden.js';
import { MAC_ENGINE_TRAPS } from '../../../src/pe/mac/rtl-engine.js';
import { macTileCycles } from '../../../src/pe/mac/timing.js';
import { Machine } from '../../../src/sim/index.js';
import { buildProgramSimulationAsync, runRtlProgram } from '../../../src/verify/rtl/program-bench.js';
import { lintVerilog } from '../../../src/verify/rtl/verilator.js';
import { prng } from '../../verify/rtl-helpers.js';
import { buildBench, engineFiles, images, macTarget, prebuild, randomProgram, reference, runBench, target, WS_VARIANTS, type Command, type Images } from './rtl-engine-bench.js';

function expectBenchMatches(t: TargetOf<'mac'>, binary: string, img: Images, cmds: readonly Command[], what: string): void {
  const got = runBench(binary, img, cmds);
  const want = reference(t, img, cmds);
  expect({ what, trap: got.trap, errors: got.errors }).toEqual({ what, trap: 0, errors: 0 });
  expect(got.cycles, `${what}: cycles per command (${cmds.map((c) => `${c.inst.kind} ${c.m}x${c.n}x${c.k}`).join(', ')})`).toEqual(want.cycles);
  const diff: string[] = [];
  for (let i = 0; i < want.out.length && diff.length < 8; i++) if (got.out[i] !== want.out[i]) diff.push(`out[${i}] = 0x${got.out[i]?.toString(16)} want 0x${want.out[i].toString(16)}`);
  expect(diff, what).toEqual([]);
}

/** The most tokens a random tile may take: the accumulator depth, cut to what a full-k tile leaves room for in act and out. */
function maxTokens(t: Target): number {
  return Math.min(MAC_WS_ACC_DEPTH, Math.floor(t.capacity.act / rowBytes(t.maxTileK, t.bits.act)), Math.floor(t.capacity.out / (t.array.cols * (t.bits.out / 8))));
}

describe('mac weight-stationary tile engine', () => {
  beforeAll(() => prebuild(WS_VARIANTS.map((v) => v.name)), 900_000);

  it('is the registered mac engine of a weight-stationary array, with its tile limits', () => {
    const t = target('w_fma', 24);
    expect(t.array.dataflow).toBe('weight_stationary');
    expect(RTL.mac.engine(t, { moduleName: 'e', prefix: 'p_', peModuleName: 'pe' }).template).toBe('mac/engine_mac_ws.v.hbs');
    expect(RTL.mac.engine(target('m_fma', 24), { moduleName: 'e', prefix: 'p_', peModuleName: 'pe' }).template).toBe('mac/engine_mac.v.hbs');
    // n along the columns, m up to the accumulator depth; accumulators m · n
    expect([t.maxTileM, t.maxTileN, t.accEntries]).toEqual([MAC_WS_ACC_DEPTH, 3, 3 * MAC_WS_ACC_DEPTH]);
  });

  it('the documented schedule, by hand: the first weight load, then per pass m token rows + rows + n + S − 1, each later load hidden under the pass before', () => {
    const f = target('w_fma', 24); // 2 x 3, lanes 3, S 1: passes of 6 k; act port 8 B, wgt port 4 B (fp16)
    expect([f.portBytes.act, f.portBytes.wgt]).toEqual([8, 4]);
    // m = 5, n = 2, k = 10: first load 2 columns · 3 reads (12 B) = 6; pass of 6: 5 rows · 2 reads + (2 + 2 + 0)
    // = 14, the next load (2 · 2 reads, + 1 to land) = 5 hides under it; pass of 4: 5 · 1 + 4 = 9
    expect(macTileCycles(f, 5, 2, 10)).toBe(1 + 6 + 14 + 9);
    const i8 = target('w_i8', 40); // 2 x 3, lanes 4, S 2: passes of 8 k; act port 16 B, wgt port 2 B (int8)
    expect([i8.portBytes.act, i8.portBytes.wgt]).toEqual([16, 2]);
    // m = 7, n = 3, k = 9: first load 3 · 4 = 12; pass of 8: 7 · 1 + (2 + 3 + 1) = 13 ≥ next load 3 · 1 + 1;
    // pass of 1: 13
    expect(macTileCycles(i8, 7, 3, 9)).toBe(1 + 12 + 13 + 13);
    // m = 1, n = 3, k = 16: the second load (3 · 4 + 1 = 13) outlasts the first pass (1 + 6 = 7): the array waits
    expect(macTileCycles(i8, 1, 3, 16)).toBe(1 + 12 + 13 + 7);
    // the same tile output-stationary (2 x 3 array: m ≤ 3 tokens, n ≤ 2 channels per pass) costs other cycles
    const os = target('m_i8', 40);
    expect(macTileCycles(os, 7, 3, 9)).not.toBe(macTileCycles(i8, 7, 3, 9));
  });

  for (const v of WS_VARIANTS) {
    it(`${v.variant}: lints clean with verilator -Wall`, async () => {
      const t = target(v.name, v.maxTileK);
      expect(t.golden.variant).toBe(v.variant);
      expect(await lintVerilog('mac_engine', engineFiles(t))).toEqual([]);
    }, 60_000);

    it(`${v.variant}: random tiles back to back = simulator (out bytes and cycles per instruction), tokens past the columns`, async () => {
      const t = target(v.name, v.maxTileK);
      const binary = await buildBench(t);
      const mMax = maxTokens(t);
      expect(mMax).toBeGreaterThan(t.array.cols);
      for (const seed of [1, 2]) {
        const rnd = prng(seed * 911 + v.maxTileK);
        const img = images(t, rnd, 0.06);
        expectBenchMatches(t, binary, img, randomProgram(t, rnd, 6, mMax, t.array.cols), `${v.variant} seed ${seed}`);
      }
      const rnd = prng(4343);
      const img = images(t, rnd, 0.6);
      expectBenchMatches(t, binary, img, randomProgram(t, rnd, 4, mMax, t.array.cols), `${v.variant} specials`);
    }, 300_000);
  }

  it('a weight load longer than the pass before it: the array waits for it (int8, 1 token, 2-byte weight port)', async () => {
    const t = target('w_i8', 40);
    const binary = await buildBench(t);
    const img = images(t, prng(99), 0);
    const cmds: Command[] = [
      { m: 1, n: 3, k: 16, inst: createInstruction('mac_tile', { act: 5, wgt: 17, acc: 0, clear: true }) },
      { m: 1, n: 3, k: 40, inst: createInstruction('mac_tile', { act: 101, wgt: 3, acc: 0, clear: false }) },
      { m: 1, n: 3, k: 1, inst: createInstruction('writeback', { acc: 0, out: 8 }) },
    ];
    expect(runBench(binary, img, cmds).cycles[0]).toBe(1 + 12 + 13 + 7);
    expectBenchMatches(t, binary, img, cmds, 'load-bound passes');
  }, 300_000);

  it('traps a tile beyond the accumulator depth or the columns', async () => {
    const t = target('w_fma', 24);
    const binary = await buildBench(t);
    const img = images(t, prng(8), 0);
    const ok = createInstruction('mac_tile', { act: 0, wgt: 0, acc: 0, clear: true });
    const cases: [string, Command[], number][] = [
      ['m > accumulator depth', [{ m: MAC_WS_ACC_DEPTH + 1, n: 1, k: 1, inst: ok }], MAC_ENGINE_TRAPS.multiPass],
      ['n > cols', [{ m: 1, n: t.array.cols + 1, k: 4, inst: ok }], MAC_ENGINE_TRAPS.multiPass],
      ['accumulating another shape', [{ m: 2, n: 2, k: 3, inst: ok }, { m: 3, n: 2, k: 3, inst: createInstruction('mac_tile', { act: 0, wgt: 0, acc: 0, clear: false }) }], MAC_ENGINE_TRAPS.accState],
    ];
    for (const [what, cmds, code] of cases) {
      const r = runBench(binary, img, cmds);
      expect({ what, trap: r.trap, errors: r.errors, last: r.cycles[cmds.length - 1] }).toEqual({ what, trap: code, errors: 0, last: 2 });
    }
  }, 300_000);
});

const ROOT = resolve(import.meta.dirname, '../../..');
const E2E_IMEM_WORDS = 1024;

/** examples/mac-ws.qacc's accelerator on a 2 x 3 array with 8 KiB buffers of 8-byte ports, 64-bit DRAM, maxTileK 32. */
function wsE2eTarget(name: 'mac_fp16' | 'mac_w4' | 'mac_int8'): TargetOf<'mac'> {
  const c = compileFile(resolve(ROOT, 'examples/mac-ws.qacc'), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: ['rows=2', 'cols=3', 'lanes=2'] });
  const a = c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`examples/mac-ws.qacc has no ${name}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  const small = a.buffers.map((b) => ({ ...b, bytes: 8192, bits: 8 * 8192, widthBits: 64, banks: 1, depth: 1024, bytesPerBank: 8192 }));
  return macTarget({ ...resolveTarget({ ...a, buffers: small, dramBitsPerCycle: 64 }), maxTileK: 32 });
}

describe('mac weight-stationary engine in the accelerator top', () => {
  const names = ['mac_fp16', 'mac_w4'] as const;
  beforeAll(async () => {
    for (const n of names) await buildProgramSimulationAsync(wsE2eTarget(n), { imemWords: E2E_IMEM_WORDS });
  }, 900_000);

  for (const name of names) {
    it(`a compiled ${name} GEMM (k split in tiles, tokens past the columns): golden = simulator = RTL outputs, RTL cycles = simulator cycles`, () => {
      const t = wsE2eTarget(name);
      expect(t.array.dataflow).toBe('weight_stationary');
      for (const [shape, seed] of [[{ m: 7, k: 70, n: 4 }, 21], [{ m: 2, k: 13, n: 5 }, 22]] as const) {
        const ops = randomOperands(t, shape, seed) as MacOperands;
        const compiled = compileGemm(t, shape, ops);
        if (shape.k > t.maxTileK) expect(compiled.program.some((i) => i.kind === 'mac_tile' && !i.clear)).toBe(true);
        const dram = compiled.dram as Uint8Array;
        const simDram = dram.slice();
        const stats = new Machine(t, compiled.program, simDram).run();
        const want = macGemm(t.golden, ops).codes;
        expect(Array.from(unpackMatrix(simDram, compiled.layout.y, shape.m, shape.n, t.bits.out))).toEqual(Array.from(want));
        const r = runRtlProgram({ target: t, program: compiled.program, dram, imemWords: E2E_IMEM_WORDS, cycleLimit: 10 * stats.cycles + 1000 });
        expect({ name, shape, trap: r.trapCode, cycles: r.cycles }).toEqual({ name, shape, trap: 0, cycles: stats.cycles });
        expect(Array.from(unpackMatrix(r.dram, compiled.layout.y, shape.m, shape.n, t.bits.out))).toEqual(Array.from(want));
      }
    }, 600_000);
  }
});
