/**
 * The simd_mac CUDA kernel's output encoder (qacc_encode_out, __host__ __device__ C++) against the format
 * library's encode of the exact rational q · 2^-F2 (the golden model's one rounding): compiled for the host
 * with g++ (__int128), over edge cases (zero, ±1, ties, powers of two around minpos/maxpos and the IEEE
 * subnormal/overflow boundaries) and random quires of every length, for IEEE and posit outputs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BF16, FP16, FP32 } from '../../../src/formats/float.js';
import { posit } from '../../../src/formats/posit.js';
import { rational } from '../../../src/formats/rational.js';
import { seededRandom } from '../../../src/formats/random.js';
import type { SimdOutputFormat } from '../../../src/pe/simd-mac/golden.js';
import { simdEncoderSource } from '../../../src/pe/simd-mac/kernel-cuda.js';
import { findExecutable, runProgram } from '../../../src/verify/cuda/nvcc.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-simd-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MASK64 = (1n << 64n) - 1n;

function quires(F2: number, seed: number): bigint[] {
  const rnd = seededRandom(seed);
  const out = [0n, 1n, -1n, 2n, 3n, 5n, -7n];
  for (let e = 0; e < 120; e++) {
    const p = 1n << BigInt(e);
    out.push(p, -p, p + 1n, p - 1n, p + (p >> 1n), 3n * p, -(5n * p), p + (p >> 11n), p + (p >> 12n), p + (p >> 24n) + 1n);
  }
  for (let i = 0; i < 400; i++) {
    const bits = 1 + Math.floor(rnd.nextFloat() * 120);
    let v = 0n;
    for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(Math.floor(rnd.nextFloat() * 65536));
    v &= (1n << BigInt(bits)) - 1n;
    out.push(rnd.nextFloat() < 0.5 ? -v : v);
  }
  return out.filter((q) => q < (1n << 126n) && q > -(1n << 126n) && F2 >= 0);
}

async function check(output: SimdOutputFormat, F2: number, seed: number): Promise<void> {
  const cxx = findExecutable('g++');
  if (cxx === undefined) expect.fail('no g++ on PATH: the CUDA simd_mac encoder cannot be checked on the host');
  const qs = quires(F2, seed);
  const calls = qs
    .map((q) => {
      const u = q < 0n ? (1n << 128n) + q : q;
      return `  pr((__int128)(((qacc_u128)0x${((u >> 64n) & MASK64).toString(16)}ull << 64) | 0x${(u & MASK64).toString(16)}ull));`;
    })
    .join('\n');
  const src = join(dir, `enc_${output.name}_${F2}.cpp`);
  writeFileSync(src, `#include <cstdint>\n#include <cstdio>\n${simdEncoderSource(output, F2)}\nstatic void pr(__int128 q) { std::printf("%u\\n", qacc_encode_out(q)); }\nint main() {\n${calls}\n}\n`);
  const exe = src.replace(/\.cpp$/, '');
  const c = await runProgram(cxx, ['-O1', '-std=c++17', '-o', exe, src]);
  expect(c.code, c.stderr).toBe(0);
  const r = await runProgram(exe, []);
  const got = r.stdout.trim().split('\n').map(Number);
  const want = qs.map((q) => output.encode(rational(q, 1n << BigInt(F2))));
  const bad = qs.map((q, i) => [q, got[i], want[i]] as const).filter(([, g, w]) => g !== w);
  expect(bad.slice(0, 5).map(([q, g, w]) => `q=${q}: got ${g}, golden ${w}`)).toEqual([]);
}

describe('simd_mac CUDA output encoder', () => {
  it('rounds like the format library to posit16_1 (F2 = 56, the xr-npe posit16 mode)', () => check(posit(16, 1), 56, 1), 60_000);
  it('rounds like the format library to posit8_0 and posit16_1 at other scales', async () => {
    await check(posit(8, 0), 12, 2);
    await check(posit(16, 1), 2, 3);
  }, 60_000);
  it('rounds like the format library to fp16, bf16 and fp32 (subnormals, ties, overflow)', async () => {
    await check(FP16 as SimdOutputFormat, 56, 4);
    await check(BF16 as SimdOutputFormat, 18, 5);
    await check(FP32 as SimdOutputFormat, 100, 6);
  }, 90_000);
});
