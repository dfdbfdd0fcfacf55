/**
 * Writes everything sims/cuda/run-gpu.sh needs on a GPU machine that has no Node (issue 14): the generated
 * CUDA sources of the examples' lowrank_gemm and bit_serial_mod accelerators, verification cases (inputs
 * and golden outputs as binary files, computed here by the golden model) and the golden samples of the
 * benchmark shapes, whose inputs both sides derive from src/codegen/cuda/inputs.ts inputHash.
 * Run: npx tsx sims/cuda/make-cases.ts [outDir] [--only name,...]   (default sims/cuda/gen; --only keeps the
 * kernels and cases of those PE kinds, accelerators or mac variants, e.g. --only lowrank_gemm or --only bitmod,
 * for a shorter GPU run; bitmod_variants and simd_variants name the configs of sims/cuda/bitmod-variants.ts and
 * simd-variants.ts)
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputHash } from '../../src/codegen/cuda/inputs.js';
import { acceleratorTargets, kernelSetFor } from '../../src/codegen/kernels/targets.js';
import { randomOperands } from '../../src/compile/operands.js';
import { goldenGemm } from '../../src/golden/gemm.js';
import { macGemm, type MacConfig } from '../../src/pe/mac/golden.js';
import { macCudaSource } from '../../src/pe/mac/kernel-cuda.js';
import { resolveTarget } from '../../src/compile/target.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { bitSerialModGemm, groupCount, type BitSerialModConfig, type BitSerialModOperands } from '../../src/pe/bit-serial-mod/golden.js';
import { bitSerialBandActivations, bitSerialCancelActivations, bitSerialCudaUnsupported, bitSerialInputCode, BIT_SERIAL_STREAMS } from '../../src/pe/bit-serial-mod/kernel-cuda.js';
import { writeBitSerialVariants } from './bitmod-variants.js';
import { writeSimdVariants } from './simd-variants.js';
import { lowRankBigDotOperands } from './lowrank-bigdots.js';
import { loraScaleCount, lowRankGemm, type LowRankGemmConfig, type LowRankGemmOperands } from '../../src/pe/lowrank-gemm/golden.js';
import { LOW_RANK_BENCH_TENSOR_SCALE, LOW_RANK_STREAMS, lowRankCudaSource, lowRankInputMasks, type LowRankStream } from '../../src/pe/lowrank-gemm/kernel-cuda.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const ONLY = onlyAt >= 0 ? new Set((args.splice(onlyAt, 2)[1] ?? '').split(',')) : undefined;
/** True when no --only was given or it names one of `names` (a PE kind, an accelerator or a mac variant). */
const wanted = (...names: string[]): boolean => ONLY === undefined || names.some((n) => ONLY.has(n));
const OUT = resolve(args[0] ?? join(ROOT, 'sims/cuda/gen'));

function write(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path + '.tmp', data);
  renameSync(path + '.tmp', path);
}
const bytes = (a: Uint8Array | Uint16Array | Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function accelerators(example: string) {
  const c = compileFile(join(ROOT, 'examples', `${example}.qacc`), { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, {});
  if (!c.design) throw new Error(`${example}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return c.design.accelerators.map((a) => ({ name: a.name, golden: resolveTarget(a).golden }));
}

// ---- lowrank_gemm ---------------------------------------------------------------------------------------
function lowRankOperands(config: LowRankGemmConfig, m: number, n: number, k: number, seed: number, opts: { bias: boolean; cs: boolean; ls: boolean }): LowRankGemmOperands {
  const masks = lowRankInputMasks(config);
  const gen = <T extends Uint8Array | Uint16Array | Uint32Array>(ctor: new (n: number) => T, s: LowRankStream, count: number): T => {
    const a = new ctor(count);
    const [and, or] = masks[s];
    for (let i = 0; i < count; i++) a[i] = ((inputHash(seed, LOW_RANK_STREAMS[s], i) & and) | or) >>> 0;
    return a;
  };
  const G = Math.ceil(k / config.main.groupSize);
  const r = config.rank;
  // Runtime activation quantization: X only (the launcher's lr_qact and golden quantize it), as the .cu's generate().
  const runtime = config.activationQuant === 'runtime';
  return {
    m, k, n,
    qa: runtime ? undefined : gen(Uint8Array, 'qa', m * k), qw: gen(Uint8Array, 'qw', n * k),
    sa: runtime ? undefined : gen(Uint16Array, 'sa', m * G), sw: gen(Uint16Array, 'sw', n * G),
    tensorScale: config.main.kind === 'nvfp4' ? LOW_RANK_BENCH_TENSOR_SCALE : undefined,
    bias: opts.bias ? gen(Uint16Array, 'bias', n) : undefined,
    channelScales: opts.cs ? gen(Uint16Array, 'cs', n) : undefined,
    loraScales: opts.ls && r > 0 ? gen(Uint32Array, 'ls', loraScaleCount(r)) : undefined,
    x: r > 0 || runtime ? gen(Uint16Array, 'x', m * k) : undefined,
    down: r > 0 ? gen(Uint16Array, 'down', k * r) : undefined,
    up: r > 0 ? gen(Uint16Array, 'up', n * r) : undefined,
  };
}

function writeLowRankCase(dir: string, config: LowRankGemmConfig, ops: LowRankGemmOperands): void {
  const y = lowRankGemm(config, ops);
  const meta = [`m ${ops.m}`, `n ${ops.n}`, `k ${ops.k}`, `rank ${config.rank}`, `tensor_scale ${ops.tensorScale ?? 0}`];
  write(join(dir, 'meta.txt'), meta.join('\n') + '\n');
  const files: [string, ArrayLike<number> | undefined, 1 | 2 | 4][] = [
    ['qa', ops.qa, 1], ['qw', ops.qw, 1], ['sa', ops.sa, 2], ['sw', ops.sw, 2], ['bias', ops.bias, 2], ['cs', ops.channelScales, 2],
    ['ls', ops.loraScales, 4], ['x', ops.x, 2], ['down', ops.down, 2], ['up', ops.up, 2], ['y', y.codes, 2],
  ];
  for (const [name, data, w] of files) {
    if (!data) continue;
    const arr = w === 1 ? Uint8Array.from(data) : w === 2 ? Uint16Array.from(data) : Uint32Array.from(data);
    write(join(dir, `${name}.bin`), bytes(arr));
  }
}

/** Golden samples of the 4096³ benchmark: each output (m, n) is the 1 × K × 1 GEMM of row m and column n. */
function lowRankSamples(config: LowRankGemmConfig, M: number, N: number, K: number, seed: number, count: number): Uint32Array {
  const full = lowRankOperands(config, M, N, K, seed, { bias: true, cs: true, ls: true });
  const G = Math.ceil(K / config.main.groupSize);
  const r = config.rank;
  const out = new Uint32Array(count * 3);
  for (let s = 0; s < count; s++) {
    const m = inputHash(seed, 100, s) % M;
    const n = inputHash(seed, 101, s) % N;
    const row = <T extends ArrayLike<number>>(a: T | undefined, i: number, w: number): number[] | undefined => (a ? Array.from({ length: w }, (_, j) => a[i * w + j]) : undefined);
    const one: LowRankGemmOperands = {
      m: 1, k: K, n: 1,
      qa: row(full.qa, m, K)!, qw: row(full.qw, n, K)!, sa: row(full.sa, m, G)!, sw: row(full.sw, n, G)!,
      tensorScale: full.tensorScale, bias: row(full.bias, n, 1), channelScales: row(full.channelScales, n, 1), loraScales: full.loraScales,
      x: row(full.x, m, K), down: full.down, up: row(full.up, n, r),
    };
    out.set([m, n, lowRankGemm(config, one).codes[0]], 3 * s);
  }
  return out;
}

const manifest: string[] = [];

/**
 * Verification cases through each kernel set's launch() (what `qacc verify --backends cuda` writes): the
 * verifier's random operands for the target, DIR/<name>.bin + meta.txt, and golden's y.bin.
 */
const SHAPES: readonly { m: number; n: number; k: number }[] = [
  { m: 256, n: 384, k: 512 },
  { m: 128, n: 128, k: 192 },
  { m: 37, n: 45, k: 200 },
  { m: 1, n: 300, k: 1024 },
];
for (const example of ['svdquant', 'bitmod', 'xr-npe']) {
  const c = compileFile(join(ROOT, 'examples', `${example}.qacc`), { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, {});
  if (!c.design) throw new Error(`${example}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  for (const accel of c.design.accelerators) {
    for (const { mode, target } of acceleratorTargets(accel)) {
      const name = mode === undefined ? accel.name : `${accel.name}_mode${mode}`;
      let set;
      try {
        set = kernelSetFor(target, 'cuda');
      } catch (err) {
        console.log(`${name}: no CUDA kernel (${(err as Error).message})`);
        continue;
      }
      if (!set) {
        console.log(`${name}: no CUDA kernel for ${target.golden.kind} yet`);
        continue;
      }
      if (!wanted(target.golden.kind, name)) continue;
      write(join(OUT, `${name}.cu`), set.files[0].text);
      const writeCase = (c: string, ops: ReturnType<typeof randomOperands>): void => {
        const launch = set.launch(ops);
        const dir = join(OUT, 'cases', name, c);
        write(join(dir, 'meta.txt'), Object.entries(launch.params).map(([k, v]) => `${k} ${v}`).join('\n') + '\n');
        for (const [file, words] of Object.entries(launch.inputs)) write(join(dir, `${file}.bin`), bytes(words));
        const y = goldenGemm(target.golden, ops as never);
        const wide = target.golden.kind === 'mac' ? (y.format === 'int32' ? 4 : 2) : y.format === 'fp32' ? 4 : 2;
        write(join(dir, 'y.bin'), bytes(wide === 4 ? Uint32Array.from(y.codes) : Uint16Array.from(y.codes)));
        manifest.push(`verify ${name} cases/${name}/${c}`);
      };
      SHAPES.forEach((shape, i) => writeCase(`verify${i}`, randomOperands(target, shape, 1000 + i)));
      // bit_serial_mod: activations in narrow exponent bands, where truncation and the subnormal path decide bits.
      if (target.golden.kind === 'bit_serial_mod') {
        for (const [c, lo, hi] of [['lowexp', 0, 3], ['band', 13, 16], ['subnormal', 0, 0]] as const) {
          const ops = randomOperands(target, { m: 8, n: 96, k: 512 }, 0x10e + lo) as BitSerialModOperands;
          writeCase(c, { ...ops, activations: bitSerialBandActivations(ops.m * ops.k, 0x10e + lo, lo, hi) });
        }
        // inf, -inf and NaN activations scattered over row 1 only: its outputs NaN, the other rows' finite.
        const ops = randomOperands(target, { m: 3, n: 64, k: 1024 }, 0x5bec) as BitSerialModOperands;
        const acts = Uint32Array.from(ops.activations, (c, i) => (Math.floor(i / ops.k) === 1 && i % 53 === 7 ? [0x7c00, 0xfc00, 0x7e01][i % 3] : c));
        writeCase('special', { ...ops, activations: acts });
        // Steps whose lane sums cancel to zero over a finer group accumulator (golden leaves it as it is).
        const cops = randomOperands(target, { m: 2, n: 256, k: 1024 }, 0xca7) as BitSerialModOperands;
        const gs = (target.golden as BitSerialModConfig).groupSize;
        writeCase('cancel', { ...cops, activations: bitSerialCancelActivations(cops.m, cops.k, gs, 0xca7) });
      }
      console.log(`${name}: ${target.golden.kind} kernel and ${SHAPES.length} verification cases`);
    }
  }
}

// ---- the mac variants no example uses (int8, fp16 accumulators): same launcher contract --------------------
const MAC_VARIANTS: readonly MacConfig[] = [
  { kind: 'mac', variant: 'int8' },
  { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' },
  { kind: 'mac', variant: 'fp16_int8', accumulator: 'fp16' },
];
for (const config of MAC_VARIANTS) {
  const name = `mac_${config.variant}_${config.variant === 'int8' ? 'int32' : config.accumulator}`;
  if (!wanted(config.kind, name)) continue;
  write(join(OUT, `${name}.cu`), macCudaSource(config));
  for (const [i, [m, n, k]] of [[37, 45, 200], [64, 64, 256]].entries()) {
    const seed = 0x3ac + i;
    const f16 = (h: number): number => ((h & 0x8fff) | 0x3000) >>> 0;
    const act = Uint32Array.from({ length: m * k }, (_, j) => (config.variant === 'int8' ? inputHash(seed, 1, j) & 255 : f16(inputHash(seed, 1, j))));
    const w = Uint32Array.from({ length: n * k }, (_, j) => (config.variant === 'fp16_fma' ? f16(inputHash(seed, 2, j)) : inputHash(seed, 2, j) & 255));
    const cs = config.variant === 'fp16_int8' ? Uint32Array.from({ length: n }, (_, j) => ((inputHash(seed, 3, j) & 0x07ff) | 0x3800) >>> 0) : undefined;
    const ops = { m, n, k, activations: act, weights: w, channelScales: cs };
    const dir = join(OUT, 'cases', name, `verify${i}`);
    write(join(dir, 'meta.txt'), `m ${m}\nn ${n}\nk ${k}\n`);
    write(join(dir, 'act.bin'), bytes(config.variant === 'int8' ? Uint8Array.from(act) : Uint16Array.from(act)));
    write(join(dir, 'w.bin'), bytes(config.variant === 'fp16_fma' ? Uint16Array.from(w) : Uint8Array.from(w)));
    if (cs) write(join(dir, 'cs.bin'), bytes(Uint16Array.from(cs)));
    const y = macGemm(config, ops);
    write(join(dir, 'y.bin'), bytes(config.variant === 'int8' ? Uint32Array.from(y.codes) : Uint16Array.from(y.codes)));
    manifest.push(`verify ${name} cases/${name}/verify${i}`);
  }
}

// ---- bit_serial_mod configs no example uses (lanes, widths, groups, bitmod_rtl): sims/cuda/bitmod-variants.ts ----
if (wanted('bit_serial_mod', 'bitmod_variants')) manifest.push(...writeBitSerialVariants(OUT, write));
// ---- simd_mac configs xr-npe does not use (round-each-step, wide quires): sims/cuda/simd-variants.ts ----
if (wanted('simd_mac', 'simd_variants')) manifest.push(...writeSimdVariants(OUT, write));

// ---- benchmark cases: inputs from inputHash on both sides, golden outputs (or samples) from here ----------
for (const { name, golden } of accelerators('svdquant')) {
  if (golden.kind !== 'lowrank_gemm' || !wanted(golden.kind, name)) continue;
  const config = golden as LowRankGemmConfig;
  const cases: [string, number, number, number, { bias: boolean; cs: boolean; ls: boolean }][] = [
    ['full', 256, 384, 512, { bias: true, cs: true, ls: true }],
    ['ragged', 37, 45, 200, { bias: true, cs: true, ls: false }],
    ['tiles', 512, 640, 320, { bias: true, cs: true, ls: true }],   // 20 tensor-core tiles, 5 groups (odd)
  ];
  for (const [c, m, n, k, opts] of cases) {
    writeLowRankCase(join(OUT, 'cases', name, c), config, lowRankOperands(config, m, n, k, 0x51ed + m, opts));
    manifest.push(`verify ${name} cases/${name}/${c}`);
  }
  // The down projection's unaligned paths: K not a multiple of 8 (scalar X loads, a partial last chunk) and,
  // in a rank-20 variant of the same config, ranks that fill neither a 16-byte D load nor a thread's chains;
  // the rank-20 128×128 case runs the tensor-core kernel's scalar L/U staging (rank not a multiple of 8).
  writeLowRankCase(join(OUT, 'cases', name, 'oddk'), config, lowRankOperands(config, 37, 45, 203, 0x51ed, { bias: true, cs: true, ls: true }));
  manifest.push(`verify ${name} cases/${name}/oddk`);
  const r20 = { ...config, rank: 20 };
  write(join(OUT, `${name}_rank20.cu`), lowRankCudaSource(r20));
  for (const [c, m, n, k] of [['ragged', 37, 45, 200], ['oddk', 65, 128, 203], ['fast', 128, 128, 192]] as const) {
    writeLowRankCase(join(OUT, 'cases', `${name}_rank20`, c), r20, lowRankOperands(r20, m, n, k, 0x20ed + m, { bias: true, cs: true, ls: true }));
    manifest.push(`verify ${name}_rank20 cases/${name}_rank20/${c}`);
  }
  if (config.main.kind === 'int4') {
    for (const [cfg, dir] of [[config, name], [r20, `${name}_rank20`]] as const) {
      writeLowRankCase(join(OUT, 'cases', dir, 'bigdots'), cfg, lowRankBigDotOperands(cfg, 256, 256, 512));
      manifest.push(`verify ${dir} cases/${dir}/bigdots`);
      // More groups (20) than rank pairs, over 6 tiles: lr_wgmma's LR_WG_UPLAG adds a tile's ranks inside the next
      // tile's group folds (the shorter cases finish them after the main loop instead).
      writeLowRankCase(join(OUT, 'cases', dir, 'deepk'), cfg, lowRankOperands(cfg, 384, 256, 1280, 0xdee9, { bias: true, cs: true, ls: true }));
      manifest.push(`verify ${dir} cases/${dir}/deepk`);
    }
    // Rank 64: two 32-rank chunks, so the epilogue warpgroup restages L and U per chunk (its nch > 1 path) and the
    // down projection runs two rank blocks; with LoRA scales (4 of them) and more groups than rank pairs.
    const r64 = { ...config, rank: 64 };
    write(join(OUT, `${name}_rank64.cu`), lowRankCudaSource(r64));
    for (const [c, m, n, k] of [['tiles', 256, 512, 320], ['deepk', 384, 256, 1280], ['ragged', 37, 45, 200], ['fast', 128, 128, 192]] as const) {
      writeLowRankCase(join(OUT, 'cases', `${name}_rank64`, c), r64, lowRankOperands(r64, m, n, k, 0x64ed + m, { bias: true, cs: true, ls: true }));
      manifest.push(`verify ${name}_rank64 cases/${name}_rank64/${c}`);
    }
    write(join(OUT, 'cases', name, 'bench4096.bin'), bytes(lowRankSamples(config, 4096, 4096, 4096, 7, 48)));
    manifest.push(`bench ${name} 4096 4096 4096 7 cases/${name}/bench4096.bin`);
  }
}

for (const { name, golden } of accelerators('bitmod')) {
  if (golden.kind !== 'bit_serial_mod' || !wanted(golden.kind, name)) continue;
  const config = golden as BitSerialModConfig;
  if (bitSerialCudaUnsupported(config) !== undefined) continue;
  const shapes: [string, number, number, number][] = [['gemv4096', 1, 4096, 4096], ['gemv11008', 1, 11008, 4096]];
  for (const [c, m, n, k] of shapes) {
    const seed = 0xb17 + n;
    const G = groupCount(k, config.groupSize);
    const gen = (s: keyof typeof BIT_SERIAL_STREAMS, count: number, extra?: Uint8Array): Uint32Array => {
      const a = new Uint32Array(count);
      for (let i = 0; i < count; i++) a[i] = bitSerialInputCode(config, s, inputHash(seed, BIT_SERIAL_STREAMS[s], i), extra ? extra[i] : 0);
      return a;
    };
    const selectors = Uint8Array.from(gen('sel', n * G));
    const selOfWeight = new Uint8Array(n * k);
    for (let i = 0; i < n * k; i++) selOfWeight[i] = selectors[Math.floor(i / k) * G + Math.floor((i % k) / config.groupSize)];
    const ops = { m, k, n, activations: gen('act', m * k), weights: gen('w', n * k, selOfWeight), selectors, groupScales: gen('gscale', n * G), channelScales: gen('cscale', n) };
    const y = bitSerialModGemm(config, ops);
    const dir = join(OUT, 'cases', name, c);
    write(join(dir, 'meta.txt'), `m ${m}\nn ${n}\nk ${k}\nseed ${seed}\n`);
    write(join(dir, 'y.bin'), bytes(config.output === 'fp16' ? Uint16Array.from(y.codes) : Uint32Array.from(y.codes)));
    manifest.push(`bench ${name} cases/${name}/${c}`);
  }
}
write(join(OUT, 'runs.txt'), manifest.join('\n') + '\n');
