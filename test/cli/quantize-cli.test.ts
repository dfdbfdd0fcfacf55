/**
 * `qacc quantize` in-process with temp files: the JSON document (codes, scales, selectors, zero points,
 * metrics) checked against the library and an independent rebuild, the dequantized output file,
 * stochastic rounding by seed, and one-line errors with exit 1 for bad files and specs.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatNpy, readTensorFile } from '../../src/cli/tensor-files.js';
import { FP16 } from '../../src/formats/float.js';
import { intFormat } from '../../src/formats/int.js';
import { runCli } from './fake-io.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-quantize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);

function data(n: number): Float32Array {
  // A deterministic, irregular ramp with a few outliers.
  return Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.7) * (i % 23 === 0 ? 9 : 1)));
}

interface QJson {
  scheme: { kind: string; spec: string };
  shape: number[];
  codeBits: number;
  codes: number[];
  scales: Array<{ role: string; format: string; codes: number[]; values: number[] }>;
  zeroPoints?: number[];
  selectors?: { bits: number; values: number[] };
  metrics: { mse: number; sqnrDb: number | string; maxAbsError: number };
  rounding: string;
  seed: number | null;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as QJson;

describe('qacc quantize', () => {
  const x = data(4 * 64);
  writeFileSync(p('x.npy'), formatNpy({ shape: [4, 64], data: x }));

  it('quantizes int4 groups with fp16 scales and writes a rebuildable JSON document', async () => {
    const r = await runCli(['quantize', '--format', 'int4', '--block', 'group:32,scale=fp16', '--in', p('x.npy'), '--out', p('q.json'), '--dequant-out', p('d.npy')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^quantized \[4, 64\] with group:32,scale=fp16,sym,clip=7 \(int4\): mse .* -> .*q\.json\n$/);
    const q = readJson(p('q.json'));
    expect(q.shape).toEqual([4, 64]);
    expect(q.scheme.kind).toBe('scaled');
    expect(q.codeBits).toBe(4);
    expect(q.codes).toHaveLength(256);
    expect(q.scales).toHaveLength(1);
    expect(q.scales[0]).toMatchObject({ role: 'group', format: 'fp16' });
    expect(q.scales[0].codes).toHaveLength(8);
    // Independent rebuild: scale_g = f16(absmax/7) from the file's codes; value = int4(code)·scale.
    const int4 = intFormat(4, true);
    const deq = readTensorFile(p('d.npy'));
    expect(deq.shape).toEqual([4, 64]);
    let sse = 0;
    for (let g = 0; g < 8; g++) {
      const absmax = Math.max(...Array.from(x.subarray(g * 32, (g + 1) * 32), Math.abs));
      expect(q.scales[0].codes[g]).toBe(FP16.encode(absmax / 7));
      expect(q.scales[0].values[g]).toBe(FP16.decode(q.scales[0].codes[g]));
      for (let i = g * 32; i < (g + 1) * 32; i++) {
        const v = int4.decode(q.codes[i]) * q.scales[0].values[g];
        expect(deq.data[i]).toBe(v);
        expect(Math.abs(v - x[i])).toBeLessThanOrEqual(q.scales[0].values[g] / 2 + 1e-12);
        sse += (x[i] - v) ** 2;
      }
    }
    expect(Math.abs(q.metrics.mse - sse / 256)).toBeLessThan(1e-12 * q.metrics.mse);
  });

  it('writes selectors for bitmod, zero points for asym, two scale levels for nvfp4', async () => {
    expect((await runCli(['quantize', '--block', 'bitmod:64', '--in', p('x.npy'), '--out', p('b.json')])).code).toBe(0);
    const b = readJson(p('b.json'));
    expect(b.selectors?.bits).toBe(2);
    expect(b.selectors?.values).toHaveLength(4);
    expect(b.selectors?.values.every((s) => s >= 0 && s < 4)).toBe(true);
    expect((await runCli(['quantize', '--format', 'uint8', '--block', 'channel,asym', '--in', p('x.npy'), '--out', p('a.json')])).code).toBe(0);
    expect(readJson(p('a.json')).zeroPoints).toHaveLength(4);
    expect((await runCli(['quantize', '--block', 'nvfp4', '--in', p('x.npy'), '--out', p('n.json')])).code).toBe(0);
    expect(readJson(p('n.json')).scales.map((s) => [s.role, s.format, s.codes.length])).toEqual([
      ['block', 'fp8_e4m3', 16],
      ['tensor', 'fp32', 1],
    ]);
  });

  it('reads .bin with --shape and .json, and reproduces stochastic rounding from the seed', async () => {
    const bin = new Uint8Array(x.buffer.slice(0));
    writeFileSync(p('x.bin'), bin);
    writeFileSync(p('x.json'), JSON.stringify({ shape: [4, 64], data: Array.from(x) }));
    const args = (input: string, out: string, seed: string) => ['quantize', '--format', 'fp4_e2m1', '--block', 'mx', '--in', input, '--out', out, '--rounding', 'stochastic', '--seed', seed];
    expect((await runCli([...args(p('x.bin'), p('s1.json'), '5'), '--shape', '4,64'])).code).toBe(0);
    expect((await runCli(args(p('x.json'), p('s2.json'), '5'))).code).toBe(0);
    expect((await runCli(args(p('x.npy'), p('s3.json'), '6'))).code).toBe(0);
    const [s1, s2, s3] = ['s1.json', 's2.json', 's3.json'].map((f) => readJson(p(f)));
    expect(s1.codes).toEqual(s2.codes);
    expect(s1.codes).not.toEqual(s3.codes);
    expect(s1.rounding).toBe('stochastic');
    expect(s1.seed).toBe(5);
  });

  it('writes "inf" SQNR when the quantization is exact', async () => {
    writeFileSync(p('exact.json'), JSON.stringify([[1, 2, -4, 0.5]]));
    expect((await runCli(['quantize', '--format', 'fp4_e2m1', '--block', 'mx', '--in', p('exact.json'), '--out', p('e.json')])).code).toBe(0);
    expect(readJson(p('e.json')).metrics).toEqual({ mse: 0, sqnrDb: 'inf', maxAbsError: 0 });
  });

  it.each([
    [['--format', 'int4', '--block', 'grp:32'], /bad --block 'grp:32': unknown scheme/],
    [['--format', 'itn4', '--block', 'group:32'], /unknown format 'itn4'/],
    [['--format', 'int44', '--block', 'group:32'], /int width/],
    [['--block', 'group:32'], /needs an element format \(--format\)/],
    [['--format', 'int4', '--block', 'bitmod'], /chooses its own/],
    [['--format', 'int4', '--block', 'hadamard:64+group:32', '--in', 'X48'], /multiple of the Hadamard block size 64/],
    [['--format', 'int4', '--block', 'group:32', '--in', 'missing.npy'], /cannot read '.*missing\.npy': no such file or directory/],
    [['--format', 'int4', '--block', 'group:32', '--in', 'BAD'], /not a \.npy file/],
    [['--format', 'int4', '--block', 'group:32', '--shape', '3,3'], /shape \[3, 3\] holds 9 elements but the data has 256/],
    [['--format', 'int4', '--block', 'group:32', '--rounding', 'stochastic'], /stochastic rounding needs a seed/],
    [['--format', 'int4', '--block', 'group:32', '--out', 'q.npy'], /written as JSON/],
    [['--format', 'int4', '--block', 'group:32', '--rounding', 'up'], /Invalid values/],
  ])('fails with one line and exit 1: %j', async (extra, message) => {
    writeFileSync(p('bad.npy'), 'not numpy');
    writeFileSync(p('x48.npy'), formatNpy({ shape: [2, 48], data: new Float32Array(96).fill(1) }));
    const args = ['quantize', '--in', p('x.npy'), '--out', p('fail.json'), ...extra].map((a) => (a === 'missing.npy' ? p('missing.npy') : a === 'BAD' ? p('bad.npy') : a === 'X48' ? p('x48.npy') : a === 'q.npy' ? p('q-out.npy') : a));
    // A case's own --in/--out replace the defaults (each option appears once).
    const r = await runCli(dedupe(args));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^qacc: error: /);
    expect(existsSync(p('fail.json'))).toBe(false);
    expect(existsSync(p('q-out.npy'))).toBe(false);
  });

  it('leaves no temporary files behind', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

/** Keeps the last occurrence of each --option (with its value), so a test can override --in/--out. */
function dedupe(args: string[]): string[] {
  const [cmd, ...rest] = args;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < rest.length; i += 2) pairs.push([rest[i], rest[i + 1]]);
  const last = new Map(pairs);
  return [cmd, ...[...last].flat()];
}
