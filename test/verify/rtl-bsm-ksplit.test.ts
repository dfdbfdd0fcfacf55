/**
 * The K split at program level (issue 13, docs/scheduler.md "K split"): BitMoD on a 2 × 2 array whose act
 * buffer is cut to 3 KiB, so the activation panel of the whole K misses it and the scheduler splits the
 * reduction into chunks whose fp32 partial sums leave through acc_spill and a store and come back through a
 * load and acc_fill. `qacc verify --backends golden,sim,rtl --trace` on GEMMs whose schedule splits (2 and 3
 * chunks, checked) must give golden = sim = RTL outputs and sim = RTL cycles and per-cycle traces. Beyond
 * what the scheduler picks, forced splits run through the library (compileGemm's kChunks): a multi-pass
 * tile (tile_m = 2 · cols: 4 tokens, 2 entries per PE) in 4 chunks and the authors' datapath in 2, with
 * inf / NaN activations on both sides of a chunk boundary; golden GEMM = simulator = RTL outputs, equal
 * cycles and traces.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGemm, randomOperands } from '../../src/compile/index.js';
import { unpackMatrix } from '../../src/compile/pack.js';
import { splitChunks } from '../../src/compile/schedule/choose.js';
import { scheduleGemm } from '../../src/compile/schedule/index.js';
import { resolveTarget, type Target } from '../../src/compile/target.js';
import { parseWorkload, type GemmShape } from '../../src/compile/workload.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../src/golden/index.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { Machine } from '../../src/sim/index.js';
import { buildProgramSimulationAsync, firstTraceDivergence, runRtlProgram } from '../../src/verify/rtl/program-bench.js';
import { runCli } from '../cli/fake-io.js';
import { ROOT } from './orchestration-helpers.js';
import { expectRtlTraceAgreement } from './verify-report.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-bsm-ksplit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETS = ['rows=2', 'cols=2', 'banks=1'];

/** examples/bitmod.qacc with a 3 KiB act buffer for its two BitMoD accelerators (the others keep theirs), written to the temp dir. */
function designFile(): string {
  const text = readFileSync(resolve(ROOT, 'examples/bitmod.qacc'), 'utf8');
  const small = ['bitmod', 'bitmod_authors']
    .reduce((x, name) => x.replace(`accelerator ${name} {\n  arrays = [${name}_array];\n  buffers = [weight_buf, act_buf];`, `accelerator ${name} {\n  arrays = [${name}_array];\n  buffers = [weight_buf, act_small];`), text)
    .concat('\nbuffer act_small { size = 3 KiB; width = 256; banks = banks; role = activations; }\n');
  expect(small.split('act_small').length).toBe(4);
  const path = join(dir, 'bitmod-small-act.qacc');
  writeFileSync(path, small);
  return path;
}

function targetOf(file: string, name: string): Target {
  const c = compileFile(file, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: SETS });
  const accel = c.design?.accelerators.find((a) => a.name === name);
  expect(accel, name).toBeDefined();
  return resolveTarget(accel!);
}

describe('bit_serial_mod K split at program level (Verilator)', () => {
  const file = designFile();

  it('qacc verify --backends golden,sim,rtl --trace on GEMMs the scheduler splits (2 and 3 chunks)', async () => {
    const t = targetOf(file, 'bitmod');
    for (const [spec, chunks] of [['gemm:m=7,k=1100,n=3', 2], ['gemm:m=4,k=2100,n=3', 3]] as const) {
      const s = scheduleGemm(t, parseWorkload(spec).layers[0]);
      expect({ spec, chunks: splitChunks(s).chunks }).toEqual({ spec, chunks });
      const r = await runCli(['verify', file, '-a', 'bitmod', ...SETS.flatMap((x) => ['--set', x]), '--backends', 'golden,sim,rtl', '--trace', '-w', spec, '--vectors', '1', '--seed', '5']);
      expectRtlTraceAgreement(r, 0, 1);
      expect(r.stdout).not.toMatch(/ran at PE level/);
    }
  }, 900_000);

  // [accelerator, shape, chunks, m tile, inf / NaN activations [token, k, code]]
  const forced: readonly (readonly [string, GemmShape, number, number, readonly (readonly [number, number, number])[]])[] = [
    ['bitmod', { m: 8, k: 1500, n: 3 }, 4, 4, [[1, 10, 0x7c00], [6, 1400, 0xfe00]]],
    ['bitmod_authors', { m: 5, k: 1100, n: 3 }, 2, 2, [[4, 3, 0xfc00], [0, 1000, 0x7e00]]],
  ];
  for (const [name, shape, chunks, mt, specials] of forced) {
    it(`${name}: ${shape.m}×${shape.k}×${shape.n} forced into ${chunks} chunks of ${mt}-token tiles, inf / NaN activations: golden = sim = RTL outputs, cycles, traces`, async () => {
      const t = targetOf(file, name);
      const base = randomOperands(t, shape, 11) as GoldenOperands<GoldenConfig> & { activations: ArrayLike<number> };
      // activations of magnitude 2^-10 .. 2^-3 (sign and significand kept), so that the outputs stay finite
      const activations = Array.from(base.activations, (a) => (a & 0x83ff) | ((5 + ((a >> 10) & 7)) << 10));
      for (const [i, k, code] of specials) activations[i * shape.k + k] = code;
      const ops = { ...base, activations };
      const c = compileGemm(t, shape, ops, { kChunks: chunks });
      expect([splitChunks(c.schedule).chunks, c.schedule.tiling.mt]).toEqual([chunks, mt]);
      const count = (kind: string): number => c.program.filter((i) => i.kind === kind).length;
      expect([count('acc_spill') > 0, count('acc_fill') > 0]).toEqual([true, true]);
      const want = [...goldenGemm(t.golden, ops as GoldenOperands<GoldenConfig>).codes];
      // the case reaches what it says: NaN outputs (the inf / NaN tokens) beside others — finite on qacc's
      // datapath; the authors' overflows fp16 on these operands (±inf), so there only signs and NaN tell
      const nan = (x: number): boolean => (x & 0x7fff) > 0x7c00;
      expect([want.some(nan), want.some((x) => !nan(x))]).toEqual([true, true]);
      if (name === 'bitmod') expect(want.filter((x) => (x & 0x7c00) !== 0x7c00).length).toBeGreaterThan(shape.m * shape.n / 2);
      const dram = c.dram as Uint8Array;
      const simDram = dram.slice();
      const machine = new Machine(t, c.program, simDram, { trace: true });
      const stats = machine.run();
      await buildProgramSimulationAsync(t);
      const r = runRtlProgram({ target: t, program: c.program, dram, trace: true, cycleLimit: 2_000_000 });
      const y = (img: Uint8Array): number[] => [...unpackMatrix(img, c.layout.y, shape.m, shape.n, t.bits.out)];
      expect({ trap: r.trapCode, limit: r.limitReached }).toEqual({ trap: 0, limit: false });
      expect(y(simDram)).toEqual(want);
      expect(y(r.dram)).toEqual(want);
      expect(r.cycles).toBe(stats.cycles);
      expect(firstTraceDivergence(machine.events, r.trace ?? [])).toBeUndefined();
    }, 900_000);
  }
});
