/**
 * The WGSL integer soft float (src/codegen/wgsl/softfloat.ts) against the golden model's correctly rounded
 * operations (src/golden/common.ts: addRounded with a Rational fallback, fround of exact float64 results),
 * run on Dawn: fp16 and bf16 sums over every special code and random codes, fp32 sums and wide products on
 * random codes with edge exponents. Each lane of the kernel computes one operation; any difference fails.
 */
import { describe, expect, it } from 'vitest';
import { BF16, FP16, FP32, type FloatFormat } from '../../../src/formats/float.js';
import { Xoshiro128 } from '../../../src/formats/random.js';
import { addRounded, fmaRounded, fp32Add, fp32Mul } from '../../../src/golden/common.js';
import { WgslRunner } from '../../../src/codegen/wgsl/runner.js';
import { sfCodeArgs, sfFormat, sfRoundArgs, WGSL_FMA, WGSL_SOFTFLOAT, type SfFormat } from '../../../src/codegen/wgsl/softfloat.js';
import { dawnDevice } from '../../../src/verify/wgsl-device.js';

/** A kernel computing op(a[i], b[i]) for every i, codes of `f` in and out (one per u32). */
async function runPairs(f: SfFormat, nan: number, op: 'add' | 'mul' | 'fma', a: Uint32Array, b: Uint32Array, c: Uint32Array = a): Promise<Uint32Array> {
  const expr = op === 'add' ? `sf_add_round(x, y, ${sfRoundArgs(f)})` : op === 'mul' ? `sf_round(sf_mul_wide(x, y), ${sfRoundArgs(f)})` : `sf_fma_round(x, y, sf_decode(c[g.x], ${sfCodeArgs(f)}), ${sfRoundArgs(f)})`;
  const text = `${WGSL_SOFTFLOAT}
${WGSL_FMA}
struct Params { n: u32, p1: u32, p2: u32, p3: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read> c: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= params.n) { return; }
  let unused = c[0];
  let x = sf_decode(a[g.x], ${sfCodeArgs(f)});
  let y = sf_decode(b[g.x], ${sfCodeArgs(f)});
  out[g.x] = sf_encode(${expr}, ${sfCodeArgs(f)}, ${nan}u);
}`;
  const bindings = [
    { name: 'params', binding: 0, access: 'uniform' as const, words: '4', packing: '' },
    { name: 'a', binding: 1, access: 'read' as const, words: 'n', packing: '' },
    { name: 'b', binding: 2, access: 'read' as const, words: 'n', packing: '' },
    { name: 'c', binding: 3, access: 'read' as const, words: 'n', packing: '' },
    { name: 'out', binding: 4, access: 'read_write' as const, words: 'n', packing: '' },
  ];
  const runner = new WgslRunner(await dawnDevice());
  const set = { files: [{ path: 't.wgsl', text }], entries: [{ entryPoint: 'main', file: 't.wgsl', workgroupSize: [64, 1, 1] as const, dispatch: ['', '', ''] as const, bindings }] };
  return runner.run(set, { params: { n: a.length, p1: 0, p2: 0, p3: 0 }, inputs: { a, b, c }, output: { name: 'out', words: a.length }, passes: [{ entryPoint: 'main', workgroups: [Math.ceil(a.length / 64), 1, 1] }] });
}

/** Random codes of a `bits`-wide format, with the specials, zeros, subnormal and near-overflow codes mixed in. */
function codes(fmt: FloatFormat, count: number, seed: number, edges: readonly number[]): Uint32Array {
  const rng = new Xoshiro128(seed);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = i % 5 === 0 ? edges[rng.nextUint32() % edges.length] : fmt.bits === 32 ? rng.nextUint32() : rng.nextUint32() % 2 ** fmt.bits;
  return out;
}

function mismatches(a: Uint32Array, b: Uint32Array, got: Uint32Array, expected: (x: number, y: number) => number): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length && out.length < 5; i++) {
    const e = expected(a[i], b[i]) >>> 0;
    if (got[i] !== e) out.push(`${a[i].toString(16)} ⊕ ${b[i].toString(16)}: expected ${e.toString(16)}, got ${got[i].toString(16)}`);
  }
  return out;
}

describe('WGSL soft float = golden rounding', () => {
  for (const [fmt, f, edges] of [
    [FP16, sfFormat(5, 10), [0, 0x8000, 1, 0x8001, 0x3ff, 0x400, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0x3c00, 0xbc00]],
    [BF16, sfFormat(8, 7), [0, 0x8000, 1, 0x8001, 0x7f, 0x80, 0x7f7f, 0xff7f, 0x7f80, 0xff80, 0x7fc0, 0x3f80, 0xbf80]],
  ] as const) {
    it(`${fmt.name}: sf_add_round = addRounded on 20000 pairs`, async () => {
      const a = codes(fmt, 20000, 1, edges);
      const b = codes(fmt, 20000, 2, edges);
      const got = await runPairs(f, fmt.nanCode as number, 'add', a, b);
      expect(mismatches(a, b, got, (x, y) => fmt.encode(addRounded(fmt, fmt.decode(x), fmt.decode(y))))).toEqual([]);
    });
  }

  const fp32Edges = [0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x3f800000, 0x33800000, 0x4b800000];
  it('fp32: sf_add_round = fround(a + b) and sf_mul_wide + sf_round = fround(a · b) on 20000 pairs', async () => {
    const a = codes(FP32, 20000, 3, fp32Edges);
    const b = codes(FP32, 20000, 4, fp32Edges);
    // Near exponents too: a random code with its exponent field moved close to a's.
    for (let i = 1; i < b.length; i += 3) b[i] = ((a[i] & 0xff800000) + ((b[i] % 8) << 23) - (4 << 23) + (b[i] & 0x7fffff)) >>> 0;
    const f = sfFormat(8, 23);
    const nan = FP32.nanCode as number;
    const add = await runPairs(f, nan, 'add', a, b);
    expect(mismatches(a, b, add, (x, y) => FP32.encode(fp32Add(FP32.decode(x), FP32.decode(y))))).toEqual([]);
    const mul = await runPairs(f, nan, 'mul', a, b);
    expect(mismatches(a, b, mul, (x, y) => FP32.encode(fp32Mul(FP32.decode(x), FP32.decode(y))))).toEqual([]);
  });
});

describe('WGSL fused multiply-add = golden fmaRounded', () => {
  it('fp32: sf_fma_round(a, b, c) = round_32(a·b + c) on 20000 triples, c near a·b for cancellation', async () => {
    const edges = [0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x3f800000, 0x33800000];
    const a = codes(FP32, 20000, 5, edges);
    const b = codes(FP32, 20000, 6, edges);
    const c = codes(FP32, 20000, 7, edges);
    // Every third c is −round_32(a·b) nudged by a few ulps: massive cancellation against the exact product.
    for (let i = 2; i < c.length; i += 3) c[i] = ((FP32.encode(-Math.fround(FP32.decode(a[i]) * FP32.decode(b[i]))) + (c[i] % 5) - 2) >>> 0) >>> 0;
    const got = await runPairs(sfFormat(8, 23), FP32.nanCode as number, 'fma', a, b, c);
    const bad: string[] = [];
    for (let i = 0; i < a.length && bad.length < 5; i++) {
      const e = FP32.encode(fmaRounded(FP32, FP32.decode(a[i]), FP32.decode(b[i]), FP32.decode(c[i]))) >>> 0;
      if (got[i] !== e) bad.push(`${a[i].toString(16)}·${b[i].toString(16)} + ${c[i].toString(16)}: expected ${e.toString(16)}, got ${got[i].toString(16)}`);
    }
    expect(bad).toEqual([]);
  });
});
