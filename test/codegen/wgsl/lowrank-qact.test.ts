/**
 * The lowrank_gemm WGSL kernels of a runtime-quantizing design (`activation_quant = runtime`) quantize X
 * on the GPU: the `qact` pass equals golden-qact.ts's quantizer bit for bit (int4, uint4 and NVFP4
 * activations, each under the rounding register's rne, rtz and rna), on `qacc verify`'s directed cases —
 * all-zero groups, NaN/inf maxima, subnormal scales, saturation — and random workloads, and the launcher
 * hands the kernels X only (no activation codes quantized on the host). The oracle is the golden model.
 */
import { describe, expect, it } from 'vitest';
import { kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { planCases, prepareCase, type VerifyTarget } from '../../../src/verify/cases.js';
import { WgslRunner } from '../../../src/codegen/wgsl/runner.js';
import { lowRankQuantizeActivations } from '../../../src/pe/lowrank-gemm/golden-qact.js';
import type { LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';
import { dawnDevice } from '../../../src/verify/wgsl-device.js';
import { craftedX } from '../lowrank-qact-x.js';
import { exampleText, failures, goldenVsWgsl, targetsOf } from './lib.js';

const SHRINK = ['rows=4', 'cols=4'];

/** examples/svdquant.qacc's targets (both declare activation_quant = runtime), optionally with uint4 int4-path activations. */
function svdquantTargets(uint4 = false): VerifyTarget[] {
  let text = exampleText('svdquant');
  if (uint4) {
    const from = 'activations = w4_g64;';
    if (!text.includes(from)) throw new Error(`svdquant.qacc: '${from}' not found`);
    text = text.replace('scheme w4_g64', 'scheme u4_g64 = per_group(uint4, group = 64, scale = fp16);\nscheme w4_g64').replace(from, 'activations = u4_g64;');
  }
  return targetsOf(text, SHRINK);
}

/** The target with the rounding register set to `rounding` for qact. */
function withRounding(vt: VerifyTarget, rounding: 'rne' | 'rtz' | 'rna'): VerifyTarget {
  const t = vt.target as VerifyTarget['target'] & { golden: { activationRounding?: string } };
  return { ...vt, target: { ...t, golden: { ...t.golden, activationRounding: rounding } } as VerifyTarget['target'] };
}

describe('lowrank_gemm runtime activation quantization in WGSL (qact pass)', () => {
  it('the example declares runtime quantization, the kernel set has a qact entry and the launch passes X only', () => {
    const targets = svdquantTargets();
    expect(targets.map((t) => (t.target.golden as { activationQuant?: string }).activationQuant)).toEqual(['runtime', 'runtime']);
    const plan = planCases(targets, { vectors: 0, seed: 1 });
    for (const vt of targets) {
      const set = kernelSetFor(vt.target, 'wgsl');
      if (!set) throw new Error('no lowrank_gemm WGSL kernel set');
      expect(set.entries.map((e) => e.entryPoint)).toEqual(['qact', 'dinit', 'dchunk', 'down', 'ainit', 'agroups', 'main']);
      const qact = set.entries[0].bindings.map((b) => `${b.name}:${b.access}`);
      expect(qact).toEqual(['params:uniform', 'x:read', 'qa:read_write', 'sa:read_write']);
      expect(set.files[0].text).toContain('fn qact(');
      const c = plan.cases.find((p) => p.accelerator === vt.accelerator.name);
      if (!c) throw new Error(`no case for ${vt.label}`);
      const launch = set.launch(prepareCase(vt, c).operands);
      expect(Object.keys(launch.inputs)).not.toContain('qa');
      expect(Object.keys(launch.inputs)).not.toContain('sa');
      expect(Object.keys(launch.inputs)).toContain('x');
      // One chunk each at the example's K: no dchunk / agroups pass.
      expect(launch.passes.map((p) => p.entryPoint)).toEqual(['qact', 'dinit', 'down', 'ainit', 'main']);
    }
  });

  // The qact pass alone, its qa / sa scratch read back directly (bound as the launch's output), against
  // golden's lowRankQuantizeActivations on crafted X: specials that the GEMM output can hide (a NaN
  // maximum, a zero fp8 scale, r = 0 or +inf) are compared here code by code.
  for (const [name, edits] of [
    ['int4, fp16 branch', []],
    ['uint4, bf16 branch and scales', [['activations = w4_g64;', 'activations = u4_g64;'], ['scheme w4_g64', 'scheme u4_g64 = per_group(uint4, group = 64, scale = bf16);\nscheme w4_g64'], ['scale = fp16)', 'scale = bf16)'], ['branch = fp16;', 'branch = bf16;'], ['epilogue = fp16;', 'epilogue = bf16;'], ['channel_scales = fp16;', 'channel_scales = bf16;']]],
  ] as const) {
    it(`qact pass = golden's quantizer code by code (${name}; nvfp4 with bf16 X), rne / rtz / rna`, async () => {
      const text = edits.reduce((t: string, [a, b]) => {
        if (!t.includes(a)) throw new Error(`'${a}' not found`);
        return t.replace(a, b);
      }, exampleText('svdquant'));
      const runner = new WgslRunner(await dawnDevice());
      for (const vt0 of targetsOf(text, SHRINK)) {
        for (const rounding of ['rne', 'rtz', 'rna'] as const) {
          const vt = withRounding(vt0, rounding);
          const cfg = vt.target.golden as LowRankGemmConfig;
          const set = kernelSetFor(vt.target, 'wgsl');
          if (!set) throw new Error('no lowrank_gemm WGSL kernel set');
          const gs = cfg.main.groupSize;
          const [m, k] = [7, 3 * gs - 5];
          const G = Math.ceil(k / gs);
          const bf = cfg.branchFormat === 'bf16';
          const x = craftedX(m, k, gs, bf ? 8 : 5, bf ? 7 : 10, 11);
          const want = lowRankQuantizeActivations(cfg, m, k, x, rounding);
          // GP / KP (the chunked passes' sizes) are unused by qact but are part of the params block.
          const params = { M: m, K: k, N: 1, G, GS: gs, GP: 1, KP: 1, flags: 0, ts: 0 };
          const xWords = new Uint32Array(Math.ceil(k * m / 2));
          for (let i = 0; i < x.length; i++) xWords[i >> 1] |= x[i] << (16 * (i & 1));
          const pass = [{ entryPoint: 'qact', workgroups: [Math.ceil(G / 8), Math.ceil(m / 8), 1] as const }];
          const qa = await runner.run(set, { params, inputs: { x: xWords }, output: { name: 'qa', words: m * k }, scratch: { sa: m * G }, passes: pass });
          const sa = await runner.run(set, { params, inputs: { x: xWords }, output: { name: 'sa', words: m * G }, scratch: { qa: m * k }, passes: pass });
          expect([...sa], `${vt.label} ${rounding} sa`).toEqual([...want.sa]);
          expect([...qa], `${vt.label} ${rounding} qa`).toEqual([...want.qa]);
        }
      }
    }, 120_000);
  }

  it('rank 0 (no branch): the qact pass alone feeds the GEMM, golden = wgsl', async () => {
    const text = exampleText('svdquant').replace('param rank = 32;', 'param rank = 0;').replace('lora_scales = fp32;', 'lora_scales = none;');
    const targets = targetsOf(text, SHRINK);
    const set = kernelSetFor(targets[0].target, 'wgsl');
    expect(set?.entries.map((e) => e.entryPoint)).toEqual(['qact', 'ainit', 'agroups', 'main']);
    const run = await goldenVsWgsl(targets, 1, 7);
    expect(failures(run)).toEqual([]);
    expect(run.pairs[0].outputs).toBeGreaterThan(50);
  }, 120_000);

  for (const uint4 of [false, true]) {
    for (const rounding of ['rne', 'rtz', 'rna'] as const) {
      it(`${uint4 ? 'uint4 / nvfp4' : 'int4 / nvfp4'} activations, rounding ${rounding}: golden = wgsl`, async () => {
        const targets = svdquantTargets(uint4).map((vt) => withRounding(vt, rounding));
        // uint4 changes only the int4 accelerator; its nvfp4 twin runs in the int4 loop.
        const run = await goldenVsWgsl(uint4 ? targets.slice(0, 1) : targets, 1, 5);
        expect(failures(run)).toEqual([]);
        expect(run.pairs[0].outputs).toBeGreaterThan(50);
      }, 120_000);
    }
  }
});
