/**
 * `activation_quant = runtime` end to end on golden and simulator: the compiled program quantizes the raw X
 * on chip (`qact`) on the same act tile `lr_down` reads, loads no activation codes or scales from DRAM, and
 * the simulator (qact through the golden quantizer) reproduces the golden GEMM bit for bit; qact's cycles
 * follow the documented rule (timing.ts header), restated here from its text with the example's ports.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/fake-io.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { CompileError } from '../../../src/compile/errors.js';
import { randomOperands } from '../../../src/compile/operands.js';
import { compileGemm } from '../../../src/compile/program.js';
import { flattenPlan } from '../../../src/compile/plan.js';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import type { Instruction } from '../../../src/isa/index.js';
import type { LowRankGemmOperands } from '../../../src/pe/lowrank-gemm/golden.js';
import type { SimContext } from '../../../src/pe/facets/sim.js';
import { lowRankGemmSim } from '../../../src/pe/lowrank-gemm/sim.js';
import { Machine } from '../../../src/sim/machine.js';
import { runGemm } from '../../../src/sim/run.js';
import { ROOT, sourceAccelerators } from '../../sim/helpers.js';

const EXAMPLE = readFileSync(resolve(ROOT, 'examples', 'svdquant.qacc'), 'utf8');

/**
 * The example on a rows × cols array, its PEs quantizing activations `mode`; one-pass tiles (tile_m = cols,
 * tile_n = rows) unless `multiPass`, so that the program tests below see several m and n tiles.
 */
function exampleText(mode: string, rows = 4, cols = 4, multiPass = false): string {
  const text = multiPass ? EXAMPLE : EXAMPLE.replace(/tile_m = \d+;/u, `tile_m = ${cols};`).replace(/tile_n = \d+;/u, `tile_n = ${rows};`);
  return text.replace(/param rows = \d+;/u, `param rows = ${rows};`)
    .replace(/param cols = \d+;/u, `param cols = ${cols};`)
    .replace(/activation_quant = \w+;/gu, '')
    .replace(/(pe svd_\w+ : lowrank_gemm \{)/gu, `$1\n  activation_quant = ${mode};`);
}

function target(name: string, mode: 'runtime' | 'offline', rows = 4, cols = 4, multiPass = false): Target {
  const text = exampleText(mode, rows, cols, multiPass);
  const accel = sourceAccelerators(text).find((a) => a.name === name);
  if (!accel) throw new Error(`no accelerator ${name}`);
  return resolveTarget(accel);
}

const rowBytes = (cols: number, bits: number): number => Math.ceil((cols * bits) / 8);

describe('runtime activation quantization: the compiled program', () => {
  type G = Extract<Instruction, { kind: 'qgemm_tile' }>;

  it('n tile 0 quantizes every k step: qact (pops the step) → lr_down on the same raw tile → qgemm_tile on qact’s codes and scales; later n tiles reuse them', () => {
    const t = target('svdquant_w4a4', 'runtime');
    const shape = { m: 6, k: 129, n: 6 }; // 2 m tiles × 2 n tiles × 3 k steps on the 4 × 4 array
    const g = compileGemm(t, shape, randomOperands(t, shape, 3));
    expect([g.tiling.mTiles, g.tiling.nTiles, g.tiling.kTiles]).toEqual([2, 2, 3]);
    expect(g.layout.ascale).toBe(-1);
    const compute = g.program.filter((i) => ['qact', 'lr_down', 'qgemm_tile'].includes(i.kind));
    // one qact per (m tile, k step): the resident panel serves the second n tile
    expect(compute.filter((i) => i.kind === 'qact').length).toBe(g.tiling.mTiles * g.tiling.kTiles);
    expect(compute.filter((i) => i.kind === 'lr_down').length).toBe(g.tiling.mTiles * g.tiling.kTiles);
    const tiles = compute.filter((i): i is G => i.kind === 'qgemm_tile');
    expect(tiles.length).toBe(g.tiling.mTiles * g.tiling.nTiles * g.tiling.kTiles);
    const written = new Set<string>();
    for (let i = 0; i < compute.length; i++) {
      const q = compute[i];
      if (q.kind !== 'qact') continue;
      expect(q.pop_prev).toBe(true);
      expect(compute[i + 1].kind).toBe('lr_down');
      const down = compute[i + 1] as Extract<Instruction, { kind: 'lr_down' }>;
      expect(down.act).toBe(q.src);
      const tile = compute[i + 2] as G;
      expect([tile.kind, tile.act, tile.ascale, tile.pop_prev]).toEqual(['qgemm_tile', q.dst, q.scales, false]);
      written.add(`${q.dst},${q.scales}`);
    }
    // every qgemm_tile reads codes and scales some qact wrote; those without a qact before them pop the step themselves
    for (const tile of tiles) expect(written.has(`${tile.act},${tile.ascale}`)).toBe(true);
    expect(tiles.filter((x) => x.pop_prev).length).toBe(g.tiling.mTiles * (g.tiling.nTiles - 1) * g.tiling.kTiles);
  });

  it('reads X from DRAM exactly once, in 16 bits, and nothing else into the act space', () => {
    const t = target('svdquant_w4a4', 'runtime');
    const shape = { m: 9, k: 200, n: 13 };
    const g = compileGemm(t, shape, randomOperands(t, shape, 1));
    expect(g.tiling.nTiles).toBeGreaterThan(1);
    const actLoads = g.program.filter((i): i is Extract<Instruction, { kind: 'load' }> => i.kind === 'load' && i.buf === 'act');
    expect(actLoads.reduce((sum, l) => sum + l.rows * l.row_bytes, 0)).toBe(2 * shape.m * shape.k);
  });

  it('without room for the resident panel, every n tile reloads and re-quantizes X, and stays exact', () => {
    // an 8 KiB activations buffer (the out space lies in the weights buffer: KindTarget.outInWeights)
    // cannot hold 64 k steps of codes beside its two slots
    const small = (name: string): Target => {
      const text = exampleText('runtime').replace(/buffer svd_acts\s*\{ size = 512 KiB;/u, 'buffer svd_acts    { size = 8 KiB;');
      const accel = sourceAccelerators(text).find((a) => a.name === name);
      return resolveTarget(accel as NonNullable<typeof accel>);
    };
    const t = small('svdquant_w4a4');
    expect(t.capacity.act).toBe(8 * 1024);
    const shape = { m: 4, k: 4096, n: 6 }; // panel: 64 steps × 4 rows × 32 B = 8 KiB
    const g = compileGemm(t, shape, randomOperands(t, shape, 2));
    expect(g.tiling.nTiles).toBe(2);
    // counted in the dispatched stream (the straight-line program the loop program stands for)
    expect(flattenPlan(g.straightPlan).filter((i) => i.kind === 'qact').length).toBe(g.tiling.mTiles * g.tiling.nTiles * g.tiling.kTiles);
    expect(runGemm(t, shape, { seed: 2 }).matchGolden).toBe(true);
    // with the panel (K = 1024: 2 KiB fits) the same design quantizes once per k step
    const g2 = compileGemm(t, { m: 4, k: 1024, n: 6 }, undefined, { timingOnly: true });
    expect(flattenPlan(g2.straightPlan).filter((i) => i.kind === 'qact').length).toBe(g2.tiling.mTiles * g2.tiling.kTiles);
  });

  it('reads exactly the offline design’s DRAM bytes minus its activation codes and scales when N fits one n tile', () => {
    // One n tile: X is read once either way (offline: by lr_down), so runtime saves the code and scale rows.
    // One m tile too: the offline design runs multi-pass tiles, the runtime one single-pass tiles (compile.ts)
    const shape = { m: 4, k: 129, n: 4 };
    const run = (mode: 'runtime' | 'offline'): number => {
      const t = target('svdquant_w4a4', mode);
      const g = compileGemm(t, shape, undefined, { timingOnly: true });
      expect(g.tiling.nTiles).toBe(1);
      return new Machine(t, g.program, undefined, { timingOnly: true }).run().bytes.dramRead;
    };
    const t = target('svdquant_w4a4', 'offline');
    const g = compileGemm(t, shape, undefined, { timingOnly: true });
    let saved = 0;
    for (let mi = 0; mi < g.tiling.mTiles; mi++) {
      const mt = Math.min(g.tiling.mt, shape.m - mi * g.tiling.mt);
      for (let ki = 0; ki < g.tiling.kTiles; ki++) {
        const kt = Math.min(g.tiling.kt, shape.k - ki * g.tiling.kt);
        saved += mt * rowBytes(kt, 4) + mt * Math.ceil(kt / 64) * 2; // int4 codes, fp16 scales per group of 64
      }
    }
    expect(run('offline') - run('runtime')).toBe(saved);
  });
});

describe('runtime activation quantization: simulator = golden', () => {
  const shapes = [
    { m: 1, k: 1, n: 1 },
    { m: 5, k: 64, n: 5 }, // two m tiles, two n tiles (stale codes in a reused slot)
    { m: 2, k: 129, n: 3 }, // a short last group in its own k step
    { m: 9, k: 200, n: 7 },
  ];
  for (const name of ['svdquant_w4a4', 'svdquant_nvfp4']) {
    for (const shape of shapes) {
      it(`${name} ${shape.m}×${shape.k}×${shape.n}`, () => {
        const t = target(name, 'runtime');
        const ops = randomOperands(t, shape, 11) as LowRankGemmOperands;
        expect(ops.qa).toBeUndefined();
        const r = runGemm(t, shape, { operands: ops });
        expect(r.firstMismatch).toBeUndefined();
        expect(r.matchGolden).toBe(true);
      });
    }
  }

  it('the runtime design computes another GEMM than the offline one on the same X, weights and branch', () => {
    // Guards against a runtime path that silently reads stale or offline codes: the offline operands'
    // random qa/sa are not the quantized X, so the outputs must differ somewhere.
    const shape = { m: 3, k: 64, n: 3 };
    const rt = runGemm(target('svdquant_w4a4', 'runtime'), shape, { seed: 5 });
    const off = runGemm(target('svdquant_w4a4', 'offline'), shape, { seed: 5 });
    expect(rt.matchGolden && off.matchGolden).toBe(true);
    expect(Array.from(rt.output ?? [])).not.toEqual(Array.from(off.output ?? []));
  });

  it('refuses a stochastic rounding register for qact (bad program, not a silent rne)', () => {
    const t = target('svdquant_w4a4', 'runtime');
    const shape = { m: 2, k: 64, n: 2 };
    const g = compileGemm(t, shape, randomOperands(t, shape, 1));
    const program = g.program.map((i) => (i.kind === 'setfmt' ? { ...i, rounding: 'stochastic' as const } : i));
    expect(() => new Machine(t, program, g.dram).run()).toThrow(CompileError);
    expect(() => new Machine(t, program, g.dram).run()).toThrow(/stochastic/);
  });
});

describe('qact cycles (timing.ts rule)', () => {
  it('1 + Σ_pm (F + 1 + Σ_g (2·ceil(len/B) + 1) + W) on the example’s ports, and the simulator charges them', () => {
    const t = target('svdquant_w4a4', 'runtime', 4, 4, true);
    expect(t.tilePassesM).toBeGreaterThan(1);
    const p = t.portBytes;
    const B = t.pe.kind === 'lowrank_gemm' ? t.pe.lanes / 4 : 0;
    // contiguous rows read or written as one run of port words
    const packed = (rows: number, bytes: number, port: number): number => Math.ceil((rows * bytes) / port);
    // per m pass of at most 4 (cols) rows: its raw rows read, its code and scale rows written (in parallel), each as one contiguous run of port words
    const rule = (m: number, k: number): number => {
      let beats = 0;
      for (let g0 = 0; g0 < k; g0 += 64) beats += 2 * Math.ceil(Math.min(64, k - g0) / B) + 1;
      let total = 1;
      for (let m0 = 0; m0 < m; m0 += 4) {
        const mc = Math.min(4, m - m0);
        total += Math.ceil((mc * 2 * k) / p.act) + 1 + beats + Math.max(packed(mc, Math.ceil(k / 2), p.act), packed(mc, Math.ceil(k / 64) * 2, p.meta));
      }
      return total;
    };
    const inst = { kind: 'qact', src: 0, dst: 0, scales: 0 } as Extract<Instruction, { kind: 'qact' }>;
    const ctx = (m: number, k: number): SimContext<'lowrank_gemm'> => ({ t, tile: { m, n: 1, k }, group: 64, rank: t.golden.kind === 'lowrank_gemm' ? t.golden.rank : 0 }) as unknown as SimContext<'lowrank_gemm'>;
    for (const [m, k] of [[1, 1], [3, 64], [4, 129], [2, 200], [6, 100], [9, 64]]) expect(lowRankGemmSim.cycles(inst, ctx(m, k))).toBe(rule(m, k));
    // and the machine's compute time grows by exactly those cycles when qact runs (runtime minus offline
    // compute busy time of a one-tile GEMM = qact's cycles, the rest of the program being the same)
    const shape = { m: 3, k: 64, n: 2 };
    const busy = (mode: 'runtime' | 'offline'): number => {
      const tt = target('svdquant_w4a4', mode);
      const g = compileGemm(tt, shape, undefined, { timingOnly: true });
      return new Machine(tt, g.program, undefined, { timingOnly: true }).run().busy.compute;
    };
    expect(busy('runtime') - busy('offline')).toBe(rule(3, 64));
  });
});

describe('the activation_quant property', () => {
  const diagnostics = (text: string) => compileFile('/v.qacc', { readFile: (p) => (p === '/v.qacc' ? text : undefined) }, {}).diagnostics;

  it('defaults to offline; runtime reaches the golden config; the example declares runtime (as Nunchaku runs)', () => {
    const noProp = EXAMPLE.replace(/activation_quant = \w+;/gu, '');
    const accel = compileFile('/v.qacc', { readFile: (p) => (p === '/v.qacc' ? noProp : undefined) }, {}).design?.accelerators.find((a) => a.name === 'svdquant_w4a4');
    const t = resolveTarget(accel as NonNullable<typeof accel>);
    expect(t.pe.kind === 'lowrank_gemm' && t.pe.activationQuant).toBe('offline');
    expect(t.golden.kind === 'lowrank_gemm' && t.golden.activationQuant).toBeUndefined();
    expect(target('svdquant_nvfp4', 'runtime').golden).toMatchObject({ activationQuant: 'runtime' });
    expect(EXAMPLE.match(/activation_quant = runtime;/gu)?.length).toBe(2);
  });

  it('an unknown value is a located E314 error with the accepted values', () => {
    const text = exampleText('dynamic');
    const d = diagnostics(text).filter((x) => x.severity === 'error');
    expect(d.length).toBeGreaterThan(0);
    expect(d[0].code).toBe('E314');
    expect(d[0].message).toContain('offline, runtime');
    expect(d[0].span).toBeDefined();
  });
});

describe('runtime activation quantization through the RTL (qact in the engine, rtl-qact.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qacc-qact-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('qacc build writes the engine with the qact unit and the buffers with the engine write port', async () => {
    const file = join(dir, 'rt.qacc');
    writeFileSync(file, exampleText('runtime', 2, 2));
    const out = join(dir, 'out');
    const r = await runCli(['build', file, '-o', out, '-a', 'svdquant_w4a4']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(join(out, 'rtl'));
    expect(files.some((f) => /lowrank_qact\.v$/u.test(f))).toBe(true);
    const act = readFileSync(join(out, 'rtl', files.find((f) => /_buf_act\.v$/u.test(f)) ?? 'missing'), 'utf8');
    expect(act).toMatch(/input\s+wire\s+ewr_en/u);
  });

  it('qacc verify --backends golden,sim,rtl --trace on the (runtime) example, a GEMM of several k and n tiles: all equal', async () => {
    // the example shrunk as test/verify/orchestration-program.test.ts does (its Verilator builds are reused):
    // 2 x 2 arrays, so several n tiles, whose later qgemm_tiles read the codes qact wrote at n tile 0 into
    // the resident code panel. The tiles are multi-pass (3 x 128: 2 m passes of the 3 tokens, 64 n passes),
    // and the second n tile's qgemm_tiles read the panel qact wrote for both m passes
    const sets = ['rows=2', 'cols=2', 'lanes=8', 'rank=16', 'banks=1'];
    const shape = { m: 3, k: 200, n: 130 };
    const example = resolve(ROOT, 'examples', 'svdquant.qacc');
    const accels = compileFile(example, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: sets }).design?.accelerators ?? [];
    expect(accels.map((a) => a.name)).toEqual(['svdquant_w4a4', 'svdquant_nvfp4']);
    for (const a of accels) {
      const g = compileGemm(resolveTarget(a), shape, undefined, { timingOnly: true });
      const program = flattenPlan(g.straightPlan);
      const qacts = program.filter((i) => i.kind === 'qact').length;
      expect(qacts, a.name).toBe(g.tiling.mTiles * g.tiling.kTiles);
      expect(program.filter((i) => i.kind === 'qgemm_tile').length, a.name).toBe(g.tiling.mTiles * g.tiling.nTiles * g.tiling.kTiles);
      expect(g.tiling.nTiles, a.name).toBeGreaterThan(1);
      expect([g.tiling.mt, g.tiling.nt], a.name).toEqual([3, 128]);
      // its 4 k steps stream through a ring of 4 slots (loads 4 steps ahead, schedule/choose.ts STREAM_RINGS)
      expect([g.schedule.resident, g.schedule.ahead], a.name).toEqual(['none', 4]);
    }
    const r = await runCli(['verify', example, ...sets.flatMap((x) => ['--set', x]), '--backends', 'golden,sim,rtl', '--trace', '--vectors', '0', '-w', `gemm:m=${shape.m},k=${shape.k},n=${shape.n}`]);
    expect(r.stderr).toBe('');
    const cases = Number(/: (\d+) cases on 2 targets/u.exec(r.stdout)?.[1]);
    expect(cases, r.stdout).toBeGreaterThan(1);
    expect(r.stdout).toMatch(new RegExp(`^ {2}golden = rtl +${cases} cases, \\d+ outputs compared: all bit-identical$`, 'mu'));
    expect(r.stdout).toMatch(new RegExp(`^ {2}cycles sim = rtl +${cases} cases, cycle counts compared: all equal$`, 'mu'));
    expect(r.stdout).toMatch(new RegExp(`^ {2}trace sim = rtl +${cases} cases, per-cycle traces compared: all equal$`, 'mu'));
    expect(r.code).toBe(0);
  }, 900_000);
});
