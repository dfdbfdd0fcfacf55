/**
 * The case plan of `qacc verify`: case ids round-trip, the plan covers the directed corners the issue asks
 * for on every example (zeros, max/min, NaN/NaR/inf, every datatype of a mixture, every SIMD mode, group
 * boundaries, shapes not divisible by the tile, several k tiles) plus N seeded random workloads, and the
 * generated operands really hold those values — checked by decoding them with the format library and
 * constants written here, not with the generator's own tables.
 */
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/cli/commands/check.js';
import { FP16 } from '../../src/formats/float.js';
import { lookupFormat } from '../../src/formats/registry.js';
import { goldenGemm } from '../../src/golden/gemm.js';
import type { GoldenConfig, GoldenOperands } from '../../src/golden/types.js';
import type { BitSerialModOperands } from '../../src/pe/bit-serial-mod/golden.js';
import type { SimdMacOperands } from '../../src/pe/simd-mac/golden.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { caseFromId, caseId, caseOperands, parseCaseId, planCases, prepareCase, verifyTargets, type CaseSpec, type VerifyTarget } from '../../src/verify/cases.js';
import { VerifyError } from '../../src/verify/errors.js';

function targetsOf(name: string): VerifyTarget[] {
  const c = compileFile(resolve(__dirname, `../../examples/${name}.qacc`), nodeFileHost, { requireAccelerator: true });
  if (!c.design) throw new Error(name);
  return verifyTargets(c.design);
}

const EXAMPLES = ['bitmod', 'xr-npe', 'svdquant'];

describe('case ids', () => {
  it('round-trip every spec (property)', () => {
    const content = fc.oneof(
      fc.constantFrom({ kind: 'random' as const }, { kind: 'zeros' as const }, { kind: 'extremes' as const }, { kind: 'scales' as const }, { kind: 'special' as const }, { kind: 'tiny' as const }),
      fc.nat(9).map((candidate) => ({ kind: 'dtype' as const, candidate })),
    );
    const dims = fc.record({ m: fc.integer({ min: 1, max: 5000 }), k: fc.integer({ min: 1, max: 5000 }), n: fc.integer({ min: 1, max: 5000 }) });
    const spec = fc.record({
      accelerator: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
      mode: fc.option(fc.nat(7), { nil: undefined }),
      content,
      shape: dims,
      chained: fc.option(fc.array(dims, { minLength: 1, maxLength: 7 }), { nil: undefined }),
      seed: fc.integer({ min: -1e9, max: 1e9 }),
    });
    fc.assert(
      fc.property(spec, (s: CaseSpec) => {
        expect(parseCaseId(caseId(s))).toEqual(s);
      }),
    );
  });

  it('spell accelerator, mode, content, shape and seed', () => {
    expect(caseId({ accelerator: 'xr_npe', mode: 2, content: { kind: 'dtype', candidate: 3 }, shape: { m: 4, k: 64, n: 3 }, seed: -5 })).toBe('xr_npe@2/dtype3/4x64x3/s-5');
    expect(parseCaseId('bitmod/special/2x257x3/s1')).toEqual({ accelerator: 'bitmod', mode: undefined, content: { kind: 'special' }, shape: { m: 2, k: 257, n: 3 }, seed: 1 });
    // a layer chain lists its layers
    const chain = { accelerator: 'bitmod', mode: undefined, content: { kind: 'random' as const }, shape: { m: 1, k: 512, n: 8 }, chained: [{ m: 3, k: 256, n: 5 }], seed: 2 };
    expect(caseId(chain)).toBe('bitmod/random/1x512x8,3x256x5/s2');
    expect(parseCaseId('bitmod/random/1x512x8,3x256x5/s2')).toEqual(chain);
  });

  it('reject malformed ids, unknown targets and contents that do not apply', () => {
    for (const bad of ['', 'bitmod', 'bitmod/random/2x3/s1', 'bitmod/bogus/1x1x1/s1', 'bitmod/random/0x1x1/s1', '9x/random/1x1x1/s1', 'bitmod/random/1x1x1/1', 'bitmod/random/1x1x1,/s1', 'bitmod/random/1x1x1,1x0x1/s1', `bitmod/random/${Array(9).fill('1x1x1').join(',')}/s1`]) {
      expect(() => parseCaseId(bad), bad).toThrow(VerifyError);
    }
    const bitmod = targetsOf('bitmod');
    expect(() => caseFromId(bitmod, 'nope/random/1x1x1/s1')).toThrow(/not in the design/);
    expect(() => caseFromId(bitmod, 'bitmod@1/random/1x1x1/s1')).toThrow(/not in the design/);
    expect(() => caseFromId(bitmod, 'fp16_baseline/dtype1/2x33x3/s1')).toThrow(/does not apply/);
    expect(() => caseFromId(targetsOf('xr-npe'), 'xr_npe@0/special/2x33x3/s1')).toThrow(/does not apply/);
  });
});

describe('the plan', () => {
  it('covers the directed corners on every example, and N random workloads per target', () => {
    for (const name of EXAMPLES) {
      const targets = targetsOf(name);
      const N = 3;
      const plan = planCases(targets, { vectors: N, seed: 10 });
      for (const t of targets) {
        const mine = plan.cases.filter((c) => c.accelerator === t.accelerator.name && c.mode === t.mode);
        const kinds = new Set(mine.map((c) => (c.content.kind === 'dtype' ? `dtype${c.content.candidate}` : c.content.kind)));
        const what = `${name} ${t.label}`;
        for (const k of ['random', 'zeros', 'extremes']) expect(kinds, what).toContain(k);
        const rows = t.target.array.rows;
        const cols = t.target.array.cols;
        const group = t.target.groupSize > 1 ? t.target.groupSize : 16;
        expect(mine.some((c) => c.shape.m > cols && c.shape.m % cols !== 0 && c.shape.n > rows && c.shape.n % rows !== 0), `${what}: shape not divisible by the array`).toBe(true);
        expect(mine.some((c) => c.shape.k === group), `${what}: one whole group`).toBe(true);
        expect(mine.some((c) => c.shape.k > group && c.shape.k % group !== 0), `${what}: a short last group`).toBe(true);
        const random = mine.filter((c) => c.purpose.startsWith('random workload'));
        expect(random.map((c) => c.seed), what).toEqual([10, 11, 12]);
        const pe = t.target.pe;
        if (pe.kind === 'bit_serial_mod' && pe.weights.scheme.kind === 'mixture') {
          for (let i = 0; i < pe.weights.scheme.candidates.length; i++) expect(kinds, what).toContain(`dtype${i}`);
        }
      }
      const ids = plan.cases.map((c) => c.id);
      expect(new Set(ids).size, `${name}: ids are unique`).toBe(ids.length);
      expect(planCases(targets, { vectors: N, seed: 10 }).cases.map((c) => c.id)).toEqual(ids);
    }
  });

  it('runs every SIMD mode of xr-npe, and says why a NaN case is missing for fp4', () => {
    const targets = targetsOf('xr-npe');
    expect(targets.map((t) => t.label)).toEqual(['xr_npe@0', 'xr_npe@1', 'xr_npe@2', 'xr_npe@3']);
    const plan = planCases(targets, { vectors: 0, seed: 1 });
    // posit modes have NaR; fp4_e2m1 (mode 0) has no NaN/inf code.
    for (const label of ['xr_npe@1', 'xr_npe@2', 'xr_npe@3']) expect(plan.cases.some((c) => c.id.startsWith(`${label}/special/`)), label).toBe(true);
    expect(plan.cases.some((c) => c.id.startsWith('xr_npe@0/special/'))).toBe(false);
    expect(plan.notes.some((n) => n.startsWith('xr_npe@0: no NaN/NaR/inf case'))).toBe(true);
  });

  it('has a case whose K spans several k tiles for every example target', () => {
    for (const name of EXAMPLES) {
      for (const t of targetsOf(name)) {
        const plan = planCases([t], { vectors: 0, seed: 1 });
        const multi = plan.cases.find((c) => c.purpose.includes('several k tiles'));
        expect(multi, `${name} ${t.label}`).toBeDefined();
        expect(prepareCase(t, multi!).compiled.tiling.kTiles, `${name} ${t.label}`).toBeGreaterThan(1);
      }
    }
  });

  it('with a workload, every case runs on that shape', () => {
    const plan = planCases(targetsOf('bitmod'), { vectors: 2, seed: 3, shape: { m: 3, k: 70, n: 5 } });
    expect(plan.cases.length).toBeGreaterThan(8);
    for (const c of plan.cases) expect(c.shape).toEqual({ m: 3, k: 70, n: 5 });
  });

  it('with a chain workload, every case is that chain: one program, layer i with the content at seed + i', () => {
    const [a, b] = [{ m: 1, k: 512, n: 8 }, { m: 3, k: 256, n: 5 }];
    const targets = targetsOf('bitmod').slice(0, 2);
    const plan = planCases(targets, { vectors: 1, seed: 3, shape: a, chained: [b] });
    expect(plan.notes.filter((n) => /: 2 layers as one program, \d+ loads of a next layer/.test(n))).toHaveLength(2);
    for (const c of plan.cases) expect([c.shape, c.chained]).toEqual([a, [b]]);
    const c = plan.cases.find((x) => x.content.kind === 'extremes' && x.accelerator === targets[0].accelerator.name);
    const p = prepareCase(targets[0], c!);
    expect(p.run.layers.map((l) => l.shape)).toEqual([a, b]);
    expect(p.run.layers.map((l) => l.operands)).toEqual([caseOperands(targets[0].target, { ...c!, shape: a }), caseOperands(targets[0].target, { ...c!, shape: b, seed: c!.seed + 1 })]);
    // one program (one halt) whose second layer's code and outputs follow the first's
    expect(p.run.program.filter((i) => i.kind === 'halt')).toHaveLength(1);
    expect(p.run.layers[1].pc).toBeGreaterThan(p.run.layers[0].pc);
    expect(p.run.layers[1].y).toBeGreaterThan(p.run.layers[0].y);
    expect(p.run.dram.length).toBeGreaterThan(p.compiled.layout.bytes);
  });

  it('a chain workload on a PE kind without the hand-over is refused, naming the reason', () => {
    expect(() => planCases(targetsOf('svdquant'), { vectors: 1, seed: 3, shape: { m: 2, k: 64, n: 3 }, chained: [{ m: 2, k: 64, n: 3 }] })).toThrow(/cannot run as one program on svdquant_w4a4 \(lowrank_gemm PE\): .* \(refusal 'kind'\)/);
  });
});

describe('directed operands hold what their names say', () => {
  const bitmod = targetsOf('bitmod')[0];
  const fp16Mac = targetsOf('bitmod')[1];
  const xr = targetsOf('xr-npe');
  const shape = { m: 2, k: 257, n: 3 };

  it('zeros: every activation and weight decodes to zero', () => {
    const o = caseOperands(bitmod.target, { accelerator: 'bitmod', mode: undefined, content: { kind: 'zeros' }, shape, seed: 1 }) as BitSerialModOperands;
    for (const a of Array.from(o.activations)) expect(FP16.decode(a)).toBe(0);
    // every BitMoD fp4 variant encodes 0 as code 0 (sign-magnitude with 0 first)
    const fmt = lookupFormat('bitmod_fp4_er_pos');
    for (const w of Array.from(o.weights)) expect(Math.abs(fmt.decode(w))).toBe(0);
  });

  it('extremes: fp16 max and min, and the smallest subnormal, appear among the activations', () => {
    const o = caseOperands(fp16Mac.target, { accelerator: 'fp16_baseline', mode: undefined, content: { kind: 'extremes' }, shape, seed: 1 }) as SimdMacOperands;
    const acts = new Set(Array.from(o.activations));
    for (const code of [0x7bff, 0xfbff, 0x0001, 0x8001]) expect(acts.has(code), code.toString(16)).toBe(true);
    const wts = new Set(Array.from(o.weights));
    for (const code of [0x7bff, 0xfbff]) expect(wts.has(code), code.toString(16)).toBe(true);
  });

  it('special: NaN and ±inf in fp16 activations; NaR in every posit mode', () => {
    const o = caseOperands(bitmod.target, { accelerator: 'bitmod', mode: undefined, content: { kind: 'special' }, shape, seed: 1 }) as BitSerialModOperands;
    const acts = Array.from(o.activations);
    expect(acts.some((a) => Number.isNaN(FP16.decode(a)))).toBe(true);
    expect(acts.includes(0x7c00) && acts.includes(0xfc00)).toBe(true);
    // NaR of posit(n, es) is 1 followed by n−1 zeros.
    const nar: Record<number, number> = { 1: 0x8, 2: 0x80, 3: 0x8000 };
    for (const mode of [1, 2, 3]) {
      const t = xr[mode];
      const s = caseOperands(t.target, { accelerator: 'xr_npe', mode, content: { kind: 'special' }, shape, seed: 1 }) as SimdMacOperands;
      expect(Array.from(s.activations).includes(nar[mode]), `mode ${mode}`).toBe(true);
      expect(Array.from(s.weights).includes(nar[mode]), `mode ${mode}`).toBe(true);
    }
  });

  it('tiny: outputs land in the fp16 subnormal range (exponent field 0, mantissa not 0) for every fp16-output target', () => {
    const fp16Out = EXAMPLES.flatMap(targetsOf).filter((t) => t.target.formats.out === 'fp16');
    expect(fp16Out.length).toBeGreaterThan(2);
    for (const t of fp16Out) {
      const c = caseFromId([t], `${t.label}/tiny/4x40x6/s3`);
      const p = prepareCase(t, c);
      const codes = Array.from(goldenGemm(t.target.golden, p.operands as GoldenOperands<GoldenConfig>).codes);
      // fp16 layout written out here: sign 15, exponent 14..10, mantissa 9..0.
      const subnormal = codes.filter((x) => ((x >> 10) & 0x1f) === 0 && (x & 0x3ff) !== 0).length;
      expect(subnormal, t.label).toBeGreaterThanOrEqual(Math.ceil(codes.length / 4));
    }
  });

  it('dtype i: every group selects candidate i', () => {
    for (let i = 0; i < 4; i++) {
      const o = caseOperands(bitmod.target, { accelerator: 'bitmod', mode: undefined, content: { kind: 'dtype', candidate: i }, shape, seed: 1 }) as BitSerialModOperands;
      expect(new Set(Array.from(o.selectors))).toEqual(new Set([i]));
      for (const w of Array.from(o.weights)) expect(w).toBeLessThan(16);
    }
  });

  it('scales: the uint8 group scales take 255, 0 and 1', () => {
    const o = caseOperands(bitmod.target, { accelerator: 'bitmod', mode: undefined, content: { kind: 'scales' }, shape, seed: 1 }) as BitSerialModOperands;
    expect(new Set(Array.from(o.groupScales))).toEqual(new Set([255, 0, 1]));
  });

  it('a case rebuilt from its id has the same operands and memory image as the planned one', () => {
    const plan = planCases([bitmod], { vectors: 2, seed: 9 });
    for (const c of plan.cases) {
      const again = caseFromId([bitmod], c.id);
      const a = prepareCase(bitmod, c);
      const b = prepareCase(bitmod, again);
      expect(b.compiled.dram, c.id).toEqual(a.compiled.dram);
      expect(b.operands, c.id).toEqual(a.operands);
    }
  });
});
