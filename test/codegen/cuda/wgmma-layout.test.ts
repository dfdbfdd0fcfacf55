/**
 * lr_wgmma (src/pe/lowrank-gemm/kernel-cuda-wgmma.ts) needs a GPU to run, but its operand layouts can be
 * checked here: the launcher's host mode `wglayout M N K` packs random codes as the device path does, widens
 * B by the unpackers' formula (or the host's, LR_WG_BWIDE, the default) and reads both operands back the way PTX
 * defines wgmma's (B as K-major core matrices through the descriptor's LBO and SBO; A the same way from its
 * shared-memory image with LR_WG_ASMEM, the default since 2026-12-07 07:31 UTC, or as the m64nNk32 register
 * fragment with -DLR_WG_ASMEM=0), then compares every group's integer dot with the one from the codes, and every
 * scale word a lane reads with its rows' and columns' codes. One compile per config: the int4 example (group 64, two
 * groups and more than one tile) and uint4 activations with groups of 128 (two 64-deep stages per group), both
 * activation kinds with fp8 codes (LR_WG_FP8, decoded on the host), each with A and B widened on the host (the
 * default), B only (-DLR_WG_ASMEM=0, the default of 04:31–07:31 UTC) and neither (-DLR_WG_BWIDE=0). The same
 * binary's `wgdown M R` mode
 * checks the index maps of lr_wgmma<2>'s fused down projection, both forms (the fourth warpgroup's slices and
 * LR_WG_FDOWN's 8-row units in the producer's warps 1-3): which block and thread computes each L chain, the staging
 * of X and D, and the slices or units whose flags a tile's epilogue waits for. The int4 example's default build and its
 * two other defaults' forms (int8 dots, f32 accumulators) are full sm_90a builds whose ptxas report is read too:
 * lr_wgmma's wgmmas stay asynchronous, its setmaxnreg is honoured and nothing spills. The knobs that are off get
 * host-model builds (no ptxas, nvcc-build.ts), which is all their layout checks need.
 */
import { describe, expect, it } from 'vitest';
import { svdquantW4a4Config } from './svdquant-config.js';
import type { LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';
import { lowRankCudaSource } from '../../../src/pe/lowrank-gemm/kernel-cuda.js';
import { lowRankWgmmaDefaults } from '../../../src/pe/lowrank-gemm/kernel-cuda-wgmma.js';
import { runProgram } from '../../../src/verify/cuda/nvcc.js';
import { buildCuda, type CudaBuild, type CudaBuildPurpose } from './nvcc-build.js';


describe('lr_wgmma operand layouts (host model, no GPU)', () => {
  const base = svdquantW4a4Config();
  const uint4 = (groupSize: number): LowRankGemmConfig => ({ ...base, main: { ...base.main, activations: 'uint4', groupSize } as LowRankGemmConfig['main'] });
  // [name, config, shape, extra nvcc flags]. The default build (since 2026-12-07 07:31 UTC): A and B widened on the
  // host (LR_WG_ASMEM, LR_WG_BWIDE; the model reads A through the descriptor's K-major core matrices, as B) with 10
  // stages, and for groups of 64 fp8 group dots (LR_WG_FP8: e4m3 A, e5m2 B; the model decodes the codes from the OCP
  // FP8 definition and wants each group's dot itself); groups of 128 stay int8. -DLR_WG_ASMEM=0 is the default of
  // 04:31–07:31 UTC (A as 4-bit codes widened into the register fragment, 12 stages), -DLR_WG_BWIDE=0 the on-chip
  // widening of B (packed as nibbles, or with LR_WG_FP8 as PRMT selectors; ASMEM then defaults to 0), -DLR_WG_FP8=0
  // the int8 dots.
  // The last field: 'device' builds are sm_90a code whose ptxas report is checked below (the default and the two
  // forms other configs take by default: int8 dots, f32 accumulators); the knobs that are off (measured slower or
  // level on an H100, docs/kernels.md) get a host-model build (nvcc-build.ts: no ptxas), which checks their layouts
  // and index maps only: the suite's 15 minutes on two cores do not cover a full build of each.
  const configs: [string, LowRankGemmConfig, [number, number, number], string[], CudaBuildPurpose][] = [
    ['default (ASMEM + BWIDE + FP8 + 10 stages) int4 × int4, groups of 64', base, [256, 384, 128], [], 'device'],
    ['default (ASMEM + BWIDE int8) uint4 × int4, groups of 128', uint4(128), [128, 256, 256], [], 'host-model'],
    ['default (ASMEM + BWIDE + FP8) uint4 × int4, groups of 64', uint4(64), [128, 256, 256], [], 'host-model'],
    ['LR_WG_FP8=0 (ASMEM + BWIDE int8) int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_FP8=0'], 'device'],
    // -DLR_WG_F16ACC=0: f32 accumulators (the default until 2026-12-07 10:10 UTC; its scale prefetch LR_WG_SPRE off too).
    ['LR_WG_F16ACC=0 (ASMEM + BWIDE + FP8, f32 accumulators) int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_F16ACC=0'], 'device'],
    ['LR_WG_ASMEM=0 (BWIDE + FP8 + 12 stages) int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_ASMEM=0'], 'host-model'],
    ['LR_WG_ASMEM=0 (BWIDE int8) uint4 × int4, groups of 128', uint4(128), [128, 256, 256], ['-DLR_WG_ASMEM=0'], 'host-model'],
    ['LR_WG_BWIDE=0 LR_WG_FP8=0 int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_BWIDE=0', '-DLR_WG_FP8=0'], 'host-model'],
    ['LR_WG_BWIDE=0 uint4 × int4, groups of 128', uint4(128), [128, 256, 256], ['-DLR_WG_BWIDE=0'], 'host-model'],
    ['LR_WG_BWIDE=0 (FP8) int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_BWIDE=0'], 'host-model'],
    // Clusters of two sharing B by TMA multicast (a knob, off by default: bit-exact on an H100, slower as launched).
    ['LR_WG_MCAST=1 int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_MCAST=1'], 'host-model'],
    // A widened on the host, B packed and widened on chip (allowed since 2026-12-07; bit-exact on an H100 but slower).
    ['LR_WG_BWIDE=0 LR_WG_ASMEM=1 (FP8) int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_BWIDE=0', '-DLR_WG_ASMEM=1'], 'host-model'],
    ['LR_WG_BWIDE=0 (FP8) uint4 × int4, groups of 64', uint4(64), [128, 256, 256], ['-DLR_WG_BWIDE=0'], 'host-model'],
    // The epilogue warpgroup's L and U staged as fp32 (LR_WG_EF32=2, a knob), which needs an odd stage count (9): that
    // puts the barriers' end at 8 mod 16, where WgEpiSmem used to start misaligned (H100, 15:38 UTC). The same build has
    // lr_wgmma<2> compute the down projection in the producer's warps 1-3 (LR_WG_FDOWN, a knob: exact on an H100, slower;
    // it changes only lr_wgmma<2>, so one build serves both and the suite compiles no more than before): its maps
    // (wgdown) are checked with the rest.
    ['LR_WG_EF32=2 LR_WG_STAGES=9 LR_WG_FDOWN=1 int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_EF32=2', '-DLR_WG_STAGES=9', '-DLR_WG_FDOWN=1'], 'host-model'],
    // LR_WG_FDOWN's fastest form (session 19, H100: exact, 0.50 ms against 0.66 for the build above, still slower than
    // the serial form): 16-row units and a cp.async ring of 5 raw chunks (LR_WG_FROWS, LR_WG_FRING); its 16-row maps.
    ['LR_WG_FDOWN=1 LR_WG_FROWS=16 LR_WG_FRING=5 LR_WG_STAGES=9 int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_FDOWN=1', '-DLR_WG_FROWS=16', '-DLR_WG_FRING=5', '-DLR_WG_STAGES=9'], 'host-model'],
    // LR_WG_BSWZ = 1: the image in wgmma's 64-byte swizzle layout (the model reads it through PTX's swizzle definition).
    ['LR_WG_BSWZ LR_WG_FP8=0 int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_BSWZ=1', '-DLR_WG_FP8=0'], 'host-model'],
  ];

  // The generated knob defaults themselves (the builds above only show that each form is consistent): A from shared
  // memory by default wherever B is widened on the host and unswizzled, with 10 stages; 12 with -DLR_WG_ASMEM=0.
  it('the generated source defaults to LR_WG_ASMEM with 10 stages (12 without it, 8 without LR_WG_BWIDE)', () => {
    for (const cfg of [base, uint4(128)]) {
      const src = lowRankCudaSource(cfg);
      expect(src).toContain('#define LR_WG_BWIDE 1\n');
      expect(src).toContain('#define LR_WG_ASMEM ((LR_WG_BWIDE) && !(LR_WG_BSWZ) ? 1 : 0)\n');
      expect(src).toContain('#define LR_WG_STAGES (LR_WG_BWIDE ? (LR_WG_ASMEM ? 10 : 12) : 8)\n');
    }
  });
  // f16 accumulators (LR_WG_F16ACC) only where the tensor core's f16 sum is golden's round_fp16(d): fp8 dots (groups of
  // 64), signed int4 activations (a k32 half's sum within ±2048, exact in fp16) and golden's d̂ in fp16 (P = fp16).
  it('defaults to f16 accumulators (LR_WG_F16ACC) exactly where they hold golden\'s rounded group dot', () => {
    expect(lowRankWgmmaDefaults(base)).toMatchObject({ fp8: true, f16acc: true });
    expect(lowRankCudaSource(base)).toContain('#define LR_WG_F16ACC (LR_WG_FP8 ? 1 : 0)\n');
    expect(lowRankCudaSource(base)).toContain('#define LR_WG_SPRE LR_WG_F16ACC\n');
    expect(lowRankWgmmaDefaults(uint4(64))).toMatchObject({ fp8: true, f16acc: false });
    expect(lowRankCudaSource(uint4(64))).toContain('#define LR_WG_F16ACC (LR_WG_FP8 ? 0 : 0)\n');
    expect(lowRankWgmmaDefaults(uint4(128))).toMatchObject({ fp8: false, f16acc: false });
    expect(lowRankWgmmaDefaults({ ...base, accumulation: 'fp32' })).toMatchObject({ fp8: true, f16acc: false });
    expect(lowRankWgmmaDefaults({ ...base, main: { ...base.main, groupSize: 128 } as LowRankGemmConfig['main'] })).toMatchObject({ fp8: false, f16acc: false });
  });
  // The epilogue warpgroup (LR_WG_EPIWG) hands golden's accumulator pairs over as one word each: by default where P is
  // 16 bits (fp16 or bf16), not for fp32 accumulation, and never in the builds whose unpackers or clusters spill with it.
  it('defaults to the epilogue warpgroup (LR_WG_EPIWG) exactly where golden\'s accumulator pairs are one word', () => {
    expect(lowRankWgmmaDefaults(base)).toMatchObject({ epiwg: true });
    expect(lowRankWgmmaDefaults(uint4(128))).toMatchObject({ epiwg: true });
    expect(lowRankWgmmaDefaults({ ...base, accumulation: 'bf16' })).toMatchObject({ epiwg: true });
    expect(lowRankWgmmaDefaults({ ...base, accumulation: 'fp32' })).toMatchObject({ epiwg: false });
    expect(lowRankCudaSource(base)).toContain('#define LR_WG_EPIWG ((LR_WG_BWIDE) && !(LR_WG_MCAST) ? 1 : 0)\n');
    expect(lowRankCudaSource({ ...base, accumulation: 'fp32' })).toContain('#define LR_WG_EPIWG ((LR_WG_BWIDE) && !(LR_WG_MCAST) ? 0 : 0)\n');
  });
  // One build per config (nvcc-build.ts, with ptxas's report), shared by the tests that read it.
  const builds = new Map<string, Promise<CudaBuild>>();
  const build = (name: string, cfg: LowRankGemmConfig, flags: readonly string[], purpose: CudaBuildPurpose): Promise<CudaBuild> => {
    let b = builds.get(name);
    if (!b) {
      b = buildCuda(lowRankCudaSource(cfg), flags, purpose);
      builds.set(name, b);
    }
    return b;
  };
  for (const [name, cfg, [m, n, k], flags, purpose] of configs) {
    it(`${name}: packed operands read back through wgmma's layouts give every group's dot (${m} × ${n} × ${k})`, async () => {
      const { exe, result: c } = await build(name, cfg, flags, purpose);
      expect(c.code, c.stderr).toBe(0);
      const r = await runProgram(exe, ['wglayout', String(m), String(n), String(k)]);
      expect(r.stdout).toContain(`wglayout ${m} x ${n} x ${k}: 0 mismatches`);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      // lr_wgmma<2>'s down projection (the fourth warpgroup's slices and LR_WG_FDOWN's units): chains, staging pieces
      // and the flags each tile waits for, for
      // whole and ragged rank chunks (rank 20: one padded chunk; 70: three, the last padded) and several row blocks.
      for (const [mm, rr] of [[m, 32], [384, 20], [512, 70]] as const) {
        const d = await runProgram(exe, ['wgdown', String(mm), String(rr)]);
        expect(d.stdout).toContain(`wgdown M=${mm} rank=${rr}: 0 violations`);
        expect(d.code, d.stdout + d.stderr).toBe(0);
      }
    }, 300_000);
  }

  // The default build, its int8 form and its f32 accumulators: the int4 example's source, so the layout tests' builds
  // above (their ptxas report) serve.
  for (const [name, cfg, , flags] of configs.filter(([, , , , p]) => p === 'device')) it(`builds lr_wgmma (svdquant_w4a4${flags.length ? ', ' + flags.join(' ') : ''}) with asynchronous wgmmas, its setmaxnreg honoured and no spills`, async () => {
    const { result: r } = await build(name, cfg, flags, 'device');
    expect(r.code, r.stderr).toBe(0);
    // ptxas serializes every wgmma of a function when ordinary instructions touch in-flight registers (C7513,
    // C7514) and ignores setmaxnreg without a register cap at entry (C7508): each would cost the overlap.
    expect(r.stderr).not.toMatch(/C751[34]|C7508/);
    const props = [...r.stderr.matchAll(/Function properties for (\w+)\n\s*(\d+) bytes stack frame, (\d+) bytes spill stores/g)];
    const wg = props.filter((m) => m[1].includes('lr_wgmma'));
    expect(wg.length).toBe(3);   // lr_wgmma<0> (no branch), <1> (L from lr_down), <2> (down projection fused)
    for (const m of wg) expect(m[3], m[0]).toBe('0');
  }, 300_000);
});
