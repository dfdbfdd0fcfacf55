/**
 * RTL benchmarks: RTL generation time per example (what `qacc build` spends before writing files: the
 * accelerator top, its tile engine with the whole PE array, and the PE; the 64×64 case sets rows = cols
 * = 64 on the bitmod array), and
 * Verilator-simulated cycles per second of each example's PE on a stream of random dot products
 * (models built with -O2; the bench's vectors come from the golden model, so the run is also checked).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { acceleratorPe, generateAcceleratorRtl } from '../src/codegen/verilog/design.js';
import { HARNESS_LOWRANK_LANES } from '../src/pe/lowrank-gemm/rtl-pe.js';
import { emitModules } from '../src/codegen/verilog/emit.js';
import { ModuleSet } from '../src/codegen/verilog/module-set.js';
import { FP16 } from '../src/formats/float.js';
import type { BitSerialModConfig } from '../src/pe/bit-serial-mod/golden.js';
import type { SimdMacConfig } from '../src/pe/simd-mac/golden.js';
import { compileFile } from '../src/ir/elaborate.js';
import type { IrAccelerator } from '../src/ir/types.js';
import { bitSerialModVectors } from '../src/pe/bit-serial-mod/vectors.js';
import { simdMacVectors } from '../src/pe/simd-mac/vectors.js';
import type { PeVectors } from '../src/verify/rtl/pe-vectors.js';
import { harnessTemplates, rtlTemplates } from '../src/verify/rtl/templates.js';
import { renderTestbench } from '../src/verify/rtl/testbench.js';
import { buildSimulation, runSimulation } from '../src/verify/rtl/verilator.js';
import type { BenchCase } from './harness.js';

const ROOT = resolve(import.meta.dirname, '..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

function accel(file: string, name: string | undefined, overrides: string[] = []): IrAccelerator {
  const c = compileFile(resolve(ROOT, 'examples', file), host, { overrides });
  const a = name === undefined ? c.design?.accelerators[0] : c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`${file}: no accelerator ${name ?? ''}`);
  return a;
}

function rnd(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

function simCase(name: string, a: IrAccelerator, vectors: (goldens: readonly unknown[]) => PeVectors): BenchCase {
  return {
    group: 'rtl: Verilator PE simulation',
    name,
    unit: 'cycles',
    setup() {
      const d = acceleratorPe(a, 'bench_pe', { harnessLanes: HARNESS_LOWRANK_LANES });
      const set = new ModuleSet();
      set.add(d.rtl.module);
      const by = { source: 'bench', version: 'bench' };
      const sim = buildSimulation({ top: 'bench_pe', files: emitModules(set, rtlTemplates, by), testbench: renderTestbench(d.rtl.harness, harnessTemplates, by) }, { fast: true });
      const v = vectors(d.goldens);
      return () => {
        const r = runSimulation(sim, v.stimulus, v.expected);
        if (!r.pass) throw new Error(`${name}: RTL differs from golden`);
        return r.cycles;
      };
    },
  };
}

export const cases: BenchCase[] = [
  ...[
    ['bitmod 32x32 (bit_serial_mod)', 'bitmod.qacc', 'bitmod', []],
    ['bitmod 64x64 (bit_serial_mod)', 'bitmod.qacc', 'bitmod', ['rows=64', 'cols=64']],
    ['xr-npe (simd_mac)', 'xr-npe.qacc', undefined, []],
    ['svdquant w4a4 (lowrank_gemm, 64 lanes)', 'svdquant.qacc', 'svdquant_w4a4', []],
    ['fp16 baseline 32x24 (mac)', 'bitmod.qacc', 'fp16_baseline', []],
  ].map(([name, file, acc, sets]): BenchCase => ({
    group: 'rtl: qacc build (RTL generation)',
    name: name as string,
    unit: 'builds',
    setup() {
      const a = accel(file as string, acc as string | undefined, sets as string[]);
      return () => {
        generateAcceleratorRtl(a, rtlTemplates, { source: file as string, version: 'bench' });
        return 1;
      };
    },
  })),
  simCase('bitmod PE, fp4 mix, 64 dots of K=256', accel('bitmod.qacc', 'bitmod'), (goldens) => {
    const config = goldens[0] as BitSerialModConfig;
    const r = rnd(1);
    const M = 8, N = 8, K = 256, G = K / config.groupSize;
    return bitSerialModVectors(config, {
      m: M, k: K, n: N,
      activations: Array.from({ length: M * K }, () => FP16.encode(r() * 4 - 2)),
      weights: Array.from({ length: N * K }, () => Math.floor(r() * 16)),
      selectors: Array.from({ length: N * G }, () => Math.floor(r() * 4)),
      groupScales: Array.from({ length: N * G }, () => Math.floor(r() * 256)),
      channelScales: Array.from({ length: N }, () => FP16.encode(0.01)),
    });
  }),
  simCase('xr-npe PE, posit8_0 mode, 64 dots of K=1024', accel('xr-npe.qacc', undefined), (goldens) => {
    const config = goldens[2] as SimdMacConfig;
    const r = rnd(2);
    const M = 8, N = 8, K = 1024;
    const code = (): number => { const c = Math.floor(r() * 256); return c === 0x80 ? 0 : c; };
    return simdMacVectors(config, 2, { m: M, k: K, n: N, activations: Array.from({ length: M * K }, code), weights: Array.from({ length: N * K }, code) });
  }),
];
