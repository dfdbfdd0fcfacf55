/**
 * `qacc formats list|decode|encode|op`, run in-process. decode is checked line for line against every
 * reference table in test/vectors (ml_dtypes, SoftPosit, bitsandbytes); encode against IEEE/posit facts
 * and by round trip (every decoded value encodes back to its code); op against hand-checked results and,
 * for wiring, against the library call it fronts. Errors: exit 1, one line, nothing on stdout.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arith, listFormats, lookupFormat } from '../../src/formats/index.js';
import { runCli, type CliRun } from './fake-io.js';

const VECTORS = resolve(__dirname, '../vectors');
function vectorLines(file: string): string[][] {
  return readFileSync(resolve(VECTORS, file), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));
}

/** Parses a value as the vectors and the CLI print it; NaN/NaR compare equal to themselves. */
function valueOf(text: string): number {
  if (text === 'nan' || text === 'nar') return NaN;
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

function expectOneLineError(r: CliRun, pattern?: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^qacc: error: [^\n]+\n$/);
  if (pattern) expect(r.stderr).toMatch(pattern);
}

describe('qacc formats list', () => {
  it('prints a table with every named format', async () => {
    const r = await runCli(['formats', 'list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^name\s+bits\s+kind\s+min\s+max/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(listFormats().map((f) => f.name));
    expect(
      lines
        .find((l) => l.startsWith('fp8_e4m3 '))
        ?.split(/\s+/)
        .slice(0, 5),
    ).toEqual(['fp8_e4m3', '8', 'fp', '-448', '448']);
    expect(
      lines
        .find((l) => l.startsWith('nf4 '))
        ?.split(/\s+/)
        .slice(0, 5),
    ).toEqual(['nf4', '4', 'lut', '-1', '1']);
  });

  it('--json gives an array of objects with name, bits, kind, min, max', async () => {
    const r = await runCli(['formats', 'list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{
      name: string;
      bits: number;
      kind: string;
      min: number;
      max: number;
    }>;
    expect(rows.map((x) => x.name)).toEqual(listFormats().map((f) => f.name));
    expect(rows.find((x) => x.name === 'posit8_2')).toMatchObject({
      bits: 8,
      kind: 'posit',
      min: -16777216,
      max: 16777216,
    });
    expect(rows.find((x) => x.name === 'int4')).toMatchObject({ bits: 4, kind: 'int', min: -8, max: 7 });
  });
});

describe('qacc formats decode', () => {
  const tables: Array<[string, string]> = [
    ['fp8_e4m3', 'float8_e4m3fn.decode.txt'],
    ['fp8_e5m2', 'float8_e5m2.decode.txt'],
    ['fp8_e4m3fnuz', 'float8_e4m3fnuz.decode.txt'],
    ['fp8_e5m2fnuz', 'float8_e5m2fnuz.decode.txt'],
    ['fp(4, 3, 7, ieee)', 'float8_e4m3.decode.txt'],
    ['fp(3, 4, 3, ieee)', 'float8_e3m4.decode.txt'],
    ['fp(4, 3, 11, fnuz)', 'float8_e4m3b11fnuz.decode.txt'],
    ['e8m0', 'float8_e8m0fnu.decode.txt'],
    ['fp6_e2m3', 'float6_e2m3fn.decode.txt'],
    ['fp6_e3m2', 'float6_e3m2fn.decode.txt'],
    ['fp4_e2m1', 'float4_e2m1fn.decode.txt'],
    ['int2', 'int2.decode.txt'],
    ['int4', 'int4.decode.txt'],
    ['uint2', 'uint2.decode.txt'],
    ['uint4', 'uint4.decode.txt'],
    ['posit4_1', 'posit4_1.decode.txt'],
    ['posit8_0', 'posit8_0.decode.txt'],
    ['posit8_2', 'posit8_2.decode.txt'],
    ['posit16_1', 'posit16_1.decode.txt'],
    ['posit16_2', 'posit16_2.decode.txt'],
    ['nf4', 'bnb_nf4.table.txt'],
    ['dynamic8', 'bnb_dynamic_signed.map.txt'],
  ];
  for (const [format, file] of tables) {
    it(`${format} equals test/vectors/${file} line for line`, async () => {
      const r = await runCli(['formats', 'decode', format]);
      expect(r.code).toBe(0);
      const got = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(' '));
      const want = vectorLines(file);
      expect(got.length).toBe(want.length);
      const bad: string[] = [];
      got.forEach(([code, value], i) => {
        const [wCode, wValue] = want[i];
        const same = Object.is(valueOf(value), valueOf(wValue)) && (value === 'nar') === (wValue === 'nar');
        if (code !== wCode || !same) bad.push(`${code} ${value} ≠ ${wCode} ${wValue}`);
      });
      expect(bad.slice(0, 5)).toEqual([]);
    });
  }

  it('posit32_2 with --range agrees with the SoftPosit sample', async () => {
    const rows = vectorLines('posit32_2.decode_sample.txt').map(([c, v]) => [parseInt(c, 16), c, v] as const);
    // Contiguous runs of the sample; check the first ten and every 100th.
    const runs: Array<Array<(typeof rows)[number]>> = [];
    for (const row of rows) {
      const last = runs[runs.length - 1];
      if (last && last[last.length - 1][0] + 1 === row[0]) last.push(row);
      else runs.push([row]);
    }
    for (const run of runs.filter((_, i) => i < 10 || i % 100 === 0)) {
      const r = await runCli([
        'formats',
        'decode',
        'posit32_2',
        '--range',
        `${run[0][1]}:${run[run.length - 1][1]}`,
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(
        run.map(([, c, v]) => `${c} ${String(valueOf(v))}`.replace(/ NaN$/, ' nar')),
      );
    }
  });

  it('pads codes to the nibble count and prints lookup/complex values', async () => {
    expect((await runCli(['formats', 'decode', 'binary'])).stdout).toBe('0x0 1\n0x1 -1\n');
    expect((await runCli(['formats', 'decode', 'complex2'])).stdout).toBe('0x0 1\n0x1 -1\n0x2 i\n0x3 -i\n');
    expect((await runCli(['formats', 'decode', 'ternary'])).stdout).toBe('0x0 0\n0x1 1\n0x2 -0\n0x3 -1\n');
    const fp16 = (await runCli(['formats', 'decode', 'fp16'])).stdout.split('\n');
    expect(fp16[0x3c00]).toBe('0x3c00 1');
    expect(fp16[0x7c00]).toBe('0x7c00 inf');
    expect(fp16[0xfc00]).toBe('0xfc00 -inf');
    expect(fp16[0x8000]).toBe('0x8000 -0');
    expect(fp16[0x0001]).toBe('0x0001 5.960464477539063e-8');
    expect((await runCli(['formats', 'decode', 'lut([0.1, -0.25])'])).stdout).toBe('0x0 0.1\n0x1 -0.25\n');
    expect((await runCli(['formats', 'decode', 'fp32', '--range', '0x3f800000:0x3f800001'])).stdout).toBe(
      '0x3f800000 1\n0x3f800001 1.0000001192092896\n',
    );
  });

  it('refuses formats wider than 16 bits without --range, and bad ranges', async () => {
    expectOneLineError(await runCli(['formats', 'decode', 'fp32']), /--range/);
    expectOneLineError(await runCli(['formats', 'decode', 'fp16', '--range', '5:3']), /LO:HI/);
    expectOneLineError(await runCli(['formats', 'decode', 'fp16', '--range', '0:0x10000']), /beyond/);
    expectOneLineError(await runCli(['formats', 'decode', 'int32', '--range', '0:0xffffffff']), /more than/);
  });

  it('unknown formats: exit 1 with the close matches on one line', async () => {
    expectOneLineError(await runCli(['formats', 'decode', 'fp8_e4m4']), /did you mean fp8_e4m3, fp8_e5m2\?/);
    expectOneLineError(await runCli(['formats', 'decode', 'posit(40, 2)']), /2\.\.32/);
  });
});

describe('qacc formats encode', () => {
  it('encodes exact decimal text with one rounding (IEEE fp16 facts)', async () => {
    const input = [
      '1',
      '1.00048828125', // 1 + 2^-11: a tie, to even → 1
      '1.000488281250000000000001', // just above the tie → 1 + 2^-10 (a float64 parse would lose this)
      '1.00146484375', // 1 + 3·2^-11: a tie, to even → 1 + 2^-9
      '65504',
      '65519.999',
      '65520', // tie between max and the first overflow value → overflow → inf
      '-0',
      '-0.0e7',
      '0',
      '5.9604644775390625e-8', // min subnormal
      '2.98023223876953125e-8', // half of it: tie → 0
      '-2.98023223876953126e-8', // just above half: → −min subnormal
      'nan',
      'inf',
      '-inf',
      '-Infinity',
    ];
    const r = await runCli(['formats', 'encode', 'fp16'], input.join('\n') + '\n');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '0x3c00',
      '0x3c00',
      '0x3c01',
      '0x3c02',
      '0x7bff',
      '0x7bff',
      '0x7c00',
      '0x8000',
      '0x8000',
      '0x0000',
      '0x0001',
      '0x0000',
      '0x8001',
      '0x7e00',
      '0x7c00',
      '0xfc00',
      '0xfc00',
    ]);
  });

  it('applies --rounding and --overflow', async () => {
    const run = async (args: string[], stdin: string) =>
      (await runCli(['formats', 'encode', ...args], stdin)).stdout.trim();
    expect(await run(['fp8_e4m3'], '1.0625')).toBe('0x38'); // tie → even
    expect(await run(['fp8_e4m3', '--rounding', 'rna'], '1.0625')).toBe('0x39');
    expect(await run(['fp8_e4m3', '--rounding', 'rtz'], '1.1')).toBe('0x38');
    expect(await run(['fp8_e4m3'], '500')).toBe('0x7f'); // NaN by default
    expect(await run(['fp8_e4m3', '--overflow', 'saturate'], '500')).toBe('0x7e');
    expect(await run(['posit8_0'], '1000')).toBe('0x7f'); // posits saturate
    expect(await run(['nf4'], '0.5\n-0.6')).toBe('0xc\n0x2'); // 0.5 is nearer 0.4407 than 0.5626
  });

  it('stochastic rounding is reproducible for a seed (default 0) and varies with it', async () => {
    const stdin = Array.from({ length: 200 }, () => '1.03125').join('\n'); // a quarter of the way from 1 to 1.125
    const a = await runCli(['formats', 'encode', 'fp8_e4m3', '--rounding', 'stochastic'], stdin);
    const b = await runCli(
      ['formats', 'encode', 'fp8_e4m3', '--rounding', 'stochastic', '--seed', '0'],
      stdin,
    );
    const c = await runCli(
      ['formats', 'encode', 'fp8_e4m3', '--rounding', 'stochastic', '--seed', '7'],
      stdin,
    );
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
    const codes = a.stdout.trim().split('\n');
    expect(new Set(codes)).toEqual(new Set(['0x38', '0x39']));
    const ups = codes.filter((x) => x === '0x39').length;
    expect(ups).toBeGreaterThan(25); // expected 50 (p = 1/4); binomial sd ≈ 6
    expect(ups).toBeLessThan(75);
  });

  it('round-trips every decoded value of small formats', async () => {
    for (const name of [
      'fp8_e4m3',
      'fp8_e5m2fnuz',
      'posit8_2',
      'nf4',
      'dynamic8',
      'flint4',
      'bitmod_fp4_ea_neg',
      'int8',
      'e8m0',
    ]) {
      const lines = (await runCli(['formats', 'decode', name])).stdout.trimEnd().split('\n');
      const f = lookupFormat(name);
      // Skip codes whose value does not name them uniquely (NaN codes beyond the canonical one).
      const unique = lines.filter((l) => !/ (nan|nar)$/.test(l));
      const r = await runCli(['formats', 'encode', name], unique.map((l) => l.split(' ')[1]).join('\n'));
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(unique.map((l) => l.split(' ')[0]));
      expect(f.name).toBe(name);
    }
  });

  it('complex2 accepts the complex forms decode prints, rounding to the nearest point', async () => {
    const r = await runCli(
      ['formats', 'encode', 'complex2'],
      '1\n-1\ni\n-i\n+i\n0.2+0.9i\n-0.6-0.1i\n3i\n.5-2.5e-1i\n0.7\n',
    );
    expect(r.stdout).toBe('0x0\n0x1\n0x2\n0x3\n0x2\n0x2\n0x1\n0x2\n0x0\n0x0\n');
    expectOneLineError(
      await runCli(['formats', 'encode', 'complex2'], 'x+i\n'),
      /line 1: 'x\+i' is not a number/,
    );
    expectOneLineError(
      await runCli(['formats', 'encode', 'complex2', '--rounding', 'rtz'], 'i\n'),
      /line 1: .*nearest/,
    );
    expectOneLineError(await runCli(['formats', 'encode', 'fp16'], 'i\n'), /line 1: 'i' is not a number/);
  });

  it('a malformed line is an error naming it, and nothing is written', async () => {
    expectOneLineError(
      await runCli(['formats', 'encode', 'fp8_e4m3'], '1\n2\nabc\n4\n'),
      /^qacc: error: line 3: 'abc' is not a number\n$/,
    );
    expectOneLineError(
      await runCli(['formats', 'encode', 'fp8_e4m3'], '1\n\n2\n'),
      /line 2: '' is not a number/,
    );
    expectOneLineError(
      await runCli(['formats', 'encode', 'fp8_e4m3'], '0x10\n'),
      /line 1: '0x10' is not a number/,
    );
    expectOneLineError(await runCli(['formats', 'encode', 'nf4'], '0.5\nnan\n'), /line 2: .*NaN/);
    expectOneLineError(await runCli(['formats', 'encode', 'e8m0'], '1\n-2\n'), /line 2: /);
    expectOneLineError(
      await runCli(['formats', 'encode', 'nf4', '--overflow', 'inf'], '1\n'),
      /line 1: .*saturates/,
    );
    expectOneLineError(await runCli(['formats', 'encode', 'fp16', '--rounding', 'up'], '1\n'), /rounding/);
    expectOneLineError(await runCli(['formats', 'encode', 'fp16'], '1e999999\n'), /line 1: .*exponent/);
  });

  it('accepts CRLF input and empty input', async () => {
    expect((await runCli(['formats', 'encode', 'int8'], '1\r\n-2\r\n')).stdout).toBe('0x01\n0xfe\n');
    const r = await runCli(['formats', 'encode', 'int8'], '');
    expect([r.code, r.stdout]).toEqual([0, '']);
  });
});

describe('qacc formats op', () => {
  it('computes mul, add, fma and dot on hex codes (fp16 facts)', async () => {
    const op = async (name: string, stdin: string) => {
      const r = await runCli(['formats', 'op', 'fp16', name], stdin);
      expect(r.stderr).toBe('');
      return r.stdout;
    };
    expect(await op('mul', '0x3c00 0x4000\n3e00 3e00\n')).toBe('0x4000\n0x4080\n'); // 1·2, 1.5·1.5 = 2.25
    expect(await op('add', '0x3c00 0x3c00\n0x3c00 0xbc00\n0x8000 0x8000\n0x7c00 0xfc00\n')).toBe(
      '0x4000\n0x0000\n0x8000\n0x7e00\n',
    );
    // fma rounds once: (1 + 3·2^-10)² − 1 = 1538.25·2^-18 → 0x1e02; a separate multiply would give 0x1e00
    expect(await op('fma', '0x3c03 0x3c03 0xbc00\n')).toBe('0x1e02\n');
    expect(await op('dot', '0x3c00,0x4000 0x4000,0x4000\n3c00, 3c00 , 3c00 3c00,3c00,bc00\n')).toBe(
      '0x4600\n0x3c00\n',
    );
  });

  it('--rounding applies to the one rounding', async () => {
    const r = await runCli(['formats', 'op', 'fp8_e4m3', 'add', '--rounding', 'rtz'], '0x38 0x18\n'); // 1 + 1/16: a tie
    expect(r.stdout).toBe('0x38\n');
    const up = await runCli(['formats', 'op', 'fp8_e4m3', 'add', '--rounding', 'rna'], '0x38 0x18\n');
    expect(up.stdout).toBe('0x39\n');
  });

  it('fronts the library operations (wiring check over random operands)', async () => {
    const f = lookupFormat('posit8_2');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), { minLength: 1, maxLength: 20 }),
        async (rows) => {
          const hex = (c: number): string => '0x' + c.toString(16).padStart(2, '0');
          const r = await runCli(
            ['formats', 'op', 'posit8_2', 'fma'],
            rows.map((t) => t.map(hex).join(' ')).join('\n'),
          );
          expect(r.stdout).toBe(rows.map(([a, b, c]) => hex(arith.fma(f, a, b, c)) + '\n').join(''));
        },
      ),
      { numRuns: 20 },
    );
  });

  it('complex2 arithmetic: i·i = −1', async () => {
    expect((await runCli(['formats', 'op', 'complex2', 'mul'], '2 2\n2 3\n')).stdout).toBe('0x1\n0x0\n');
  });

  it('malformed lines, wrong arity and out-of-range codes are errors naming the line', async () => {
    expectOneLineError(
      await runCli(['formats', 'op', 'fp16', 'mul'], '3c00 3c00\n3c00\n'),
      /^qacc: error: line 2: mul expects 'a b'/,
    );
    expectOneLineError(
      await runCli(['formats', 'op', 'fp16', 'fma'], '3c00 3c00\n'),
      /line 1: fma expects 'a b c'/,
    );
    expectOneLineError(
      await runCli(['formats', 'op', 'fp16', 'add'], '3c00 zz\n'),
      /line 1: 'zz' is not a hex code/,
    );
    expectOneLineError(
      await runCli(['formats', 'op', 'fp8_e4m3', 'add'], '0x1 0x100\n'),
      /line 1: code 0x100 is out of range for fp8_e4m3 \(0x00\.\.0xff\)/,
    );
    expectOneLineError(
      await runCli(['formats', 'op', 'fp16', 'dot'], '1,2 3\n'),
      /line 1: dot needs two lists of the same length/,
    );
    expectOneLineError(
      await runCli(['formats', 'op', 'fp16', 'dot'], '1,,2 3,4,5\n'),
      /line 1: '' is not a hex code/,
    );
    expectOneLineError(
      await runCli(['formats', 'op', 'fp16', 'mul', '--rounding', 'rtz'], '1 2 3\n'),
      /line 1/,
    );
    expectOneLineError(
      await runCli(['formats', 'op', 'complex2', 'mul', '--rounding', 'rtz'], '1 2\n'),
      /line 1: .*nearest/,
    );
    expectOneLineError(await runCli(['formats', 'op', 'fp16', 'div'], '1 2\n'), /div/);
    expectOneLineError(await runCli(['formats', 'op', 'nosuch', 'mul'], '1 2\n'), /unknown format 'nosuch'/);
  });
});

describe('qacc formats: help and usage', () => {
  for (const sub of [[], ['list'], ['decode'], ['encode'], ['op']]) {
    it(`formats ${sub.join(' ')} --help`, async () => {
      const r = await runCli(['formats', ...sub, '--help']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`qacc formats ${sub[0] ?? ''}`.trim());
      if (sub[0] === 'encode' || sub[0] === 'op')
        expect(r.stdout).toMatch(/--rounding[\s\S]*--overflow[\s\S]*--seed/);
    });
  }

  it('needs a subcommand and rejects unknown ones', async () => {
    expectOneLineError(await runCli(['formats']), /list, decode, encode or op/);
    expectOneLineError(await runCli(['formats', 'frob']));
  });
});
