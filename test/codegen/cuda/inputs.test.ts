/**
 * The input generator qacc shares with the CUDA launchers: the TypeScript inputHash and its C++ twin
 * (CUDA_INPUT_HASH, compiled here with the host C++ compiler) give the same codes, so the golden outputs
 * qacc computes for a benchmark belong to the inputs the GPU generates. Also checks the hash spreads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CUDA_INPUT_HASH, inputHash } from '../../../src/codegen/cuda/inputs.js';
import { findExecutable, runProgram } from '../../../src/verify/cuda/nvcc.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POINTS: [number, number, number][] = [
  [0, 0, 0], [7, 1, 0], [7, 1, 1], [0xffffffff, 10, 0xffffffff], [0x51ed, 3, 123456789], [42, 100, 4095], [1, 2, 3],
];

describe('shared input hash', () => {
  it('gives the C++ twin\'s values (host compiler)', async () => {
    const cxx = findExecutable('g++') ?? findExecutable('c++');
    if (cxx === undefined) expect.fail('no host C++ compiler (g++ or c++) on PATH: the C++ input hash cannot be checked');
    const src = join(dir, 'h.cpp');
    const calls = POINTS.map(([s, t, i]) => `  std::printf("%u\\n", qacc_hash(${s}u, ${t}u, ${i}u));`).join('\n');
    writeFileSync(src, `#include <cstdint>\n#include <cstdio>\n${CUDA_INPUT_HASH}\nint main() {\n${calls}\n}\n`);
    const exe = join(dir, 'h');
    const c = await runProgram(cxx, ['-O2', '-o', exe, src]);
    expect(c.code, c.stderr).toBe(0);
    const r = await runProgram(exe, []);
    expect(r.stdout.trim().split('\n').map(Number)).toEqual(POINTS.map(([s, t, i]) => inputHash(s, t, i)));
  }, 60_000);

  it('spreads: every 4-bit code appears about equally often in a stream', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16000; i++) counts[inputHash(3, 1, i) & 15]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});
