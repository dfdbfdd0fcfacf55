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
import { arith, listFormats, listWideFormats, lookupFormat } from '../../src/formats/index.js';
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
    // The formats of at most 32 bits, then the wide ones (decode only).
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([...listFormats(), ...listWideFormats()].map((f) => f.name));
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
    expect(rows.map((x) => x.name)).toEqual([...listFormats(), ...listWideFormats()].map((f) => f.name));
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
    // decode takes posits up to 64 bits; encode stops at 32 (the too-wide line).
    expectOneLineError(await runCli(['formats', 'decode', 'posit(70, 2)']), /2\.\.64/);
  });
});

describe('qacc formats encode', () => {
  it('encodes exact decimal text (--decimal exact) with one rounding (IEEE fp16 facts)', async () => {
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
    const r = await runCli(['formats', 'encode', 'fp16', '--decimal', 'exact'], input.join('\n') + '\n');
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
    expectOneLineError(
      await runCli(['formats', 'encode', 'fp16', '--decimal', 'exact'], '1e999999\n'),
      /line 1: .*exponent/,
    );
    // Read as binary64 (the default), 1e999999 is float64's +inf, as numpy reads it.
    expect((await runCli(['formats', 'encode', 'fp16'], '1e999999\n')).stdout).toBe('0x7c00\n');
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

describe('qacc formats decode of chosen codes (arguments, stdin)', () => {
  it('decodes codes given as arguments, in order, for formats up to 32 bits', async () => {
    const r = await runCli([
      'formats',
      'decode',
      'posit32_2',
      '0x40000000',
      'c0000000',
      '0x7FFFFFFF',
      '0x80000000',
    ]);
    expect(r.code).toBe(0);
    // Hand facts: 0x40000000 is 1, its negation −1; 0x7fffffff is maxpos = 2^120, printed with every digit.
    expect(r.stdout).toBe(
      `0x40000000 1\n0xc0000000 -1\n0x7fffffff ${(2n ** 120n).toString()}\n0x80000000 nar\n`,
    );
    const ints = await runCli(['formats', 'decode', 'int32', '0x80000000', '0x7fffffff', '0x1']);
    expect(ints.stdout).toBe('0x80000000 -2147483648\n0x7fffffff 2147483647\n0x00000001 1\n');
    // fp32 max finite = (2 − 2^−23) · 2^127, exactly.
    const fp = await runCli(['formats', 'decode', 'fp32', '0x7f7fffff', '0xff800000', '0x00000001']);
    expect(fp.stdout).toBe(
      `0x7f7fffff ${((2n ** 24n - 1n) * 2n ** 104n).toString()}\n0xff800000 -inf\n0x00000001 1.401298464324817e-45\n`,
    );
  });

  it('reads one code per line from stdin: the whole SoftPosit posit32_2 sample, values exact', async () => {
    const rows = vectorLines('posit32_2.decode_sample.txt');
    const r = await runCli(['formats', 'decode', 'posit32_2'], rows.map(([c]) => c).join('\n') + '\n');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(rows.length);
    const bad: string[] = [];
    rows.forEach(([c, v], i) => {
      const [code, text] = lines[i].split(' ');
      const want = valueOf(v);
      const got = valueOf(text);
      const same = Number.isNaN(want) ? text === 'nar' : got === want;
      // Integers print every digit: the text is the exact integer value of the float64.
      const exact = !Number.isInteger(want) || BigInt(text) === BigInt(want);
      if (code !== c.toLowerCase() || !same || !exact) bad.push(`${c} ${v}: ${lines[i]}`);
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('--stdin reads codes for narrow formats too (same lines as the full listing)', async () => {
    const full = (await runCli(['formats', 'decode', 'fp8_e4m3'])).stdout.trimEnd().split('\n');
    const r = await runCli(['formats', 'decode', 'fp8_e4m3', '--stdin'], '0x7f\nff\n0x01\r\n  0x38 \n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([full[0x7f], full[0xff], full[0x01], full[0x38]].join('\n') + '\n');
    // Piped in without --stdin: the same lines (an empty stdin lists every code, as above).
    const piped = await runCli(['formats', 'decode', 'fp8_e4m3'], '0x7f\nff\n');
    expect(piped.stdout).toBe([full[0x7f], full[0xff]].join('\n') + '\n');
    expect(full).toHaveLength(256);
    expectOneLineError(await runCli(['formats', 'decode', 'fp8_e4m3'], '0x7f\n0x100\n'), /line 2: /);
  });

  it('a malformed line or argument: one-line error naming it, exit 1, nothing printed', async () => {
    const stdin = '0x40000000\n0x3f800000\nzz\n0x1\n';
    expectOneLineError(
      await runCli(['formats', 'decode', 'posit32_2'], stdin),
      /^qacc: error: line 3: 'zz' is not a hex code\n$/,
    );
    expectOneLineError(
      await runCli(['formats', 'decode', 'posit32_2'], '1\n0x100000000\n'),
      /line 2: code 0x100000000 is out of range for posit32_2 \(0x00000000\.\.0xffffffff\)/,
    );
    expectOneLineError(
      await runCli(['formats', 'decode', 'fp8_e4m3', '--stdin'], '0x7f\n\n'),
      /line 2: '' is not a hex code/,
    );
    expectOneLineError(
      await runCli(['formats', 'decode', 'fp16', '0x3c00', '0x10000']),
      /argument 2: code 0x10000 is out of range/,
    );
    expectOneLineError(
      await runCli(['formats', 'decode', 'fp16', '0x3c00', '1.5']),
      /argument 2: '1\.5' is not a hex code/,
    );
    expectOneLineError(
      await runCli(['formats', 'decode', 'fp16', '0x3c00', '--range', '0:1']),
      /one of them/,
    );
    // A wide format with nothing on stdin is still told how to pick codes.
    expectOneLineError(await runCli(['formats', 'decode', 'fp32'], ''), /give codes .*--stdin, or --range/);
  });
});

describe('figures print exactly', () => {
  it('formats list prints integers with every digit (posit16_2 max = 2^56), table and JSON', async () => {
    const table = await runCli(['formats', 'list']);
    const row = table.stdout.split('\n').find((l) => l.startsWith('posit16_2 '));
    expect(row?.split(/\s+/).slice(3, 5)).toEqual([`-${2n ** 56n}`, `${2n ** 56n}`]);
    const json = await runCli(['formats', 'list', '--json']);
    expect(json.stdout).toContain(`"max": ${2n ** 56n},`);
    const rows = JSON.parse(json.stdout) as Array<{ name: string; min: number; max: number }>;
    expect(rows.find((x) => x.name === 'posit16_2')?.max).toBe(2 ** 56);
    // Every printed min/max reads back as the format's value, and integers are exact to the digit.
    const narrow = new Set(listFormats().map((f) => f.name));
    for (const line of table.stdout.trim().split('\n').slice(1)) {
      const [name, , , min, max] = line.split(/\s+/);
      if (!narrow.has(name)) continue; // the wide rows are checked exactly in formats-wide-cli.test.ts
      const f = lookupFormat(name);
      for (const [text, v] of [
        [min, f.min],
        [max, f.max],
      ] as const) {
        expect(valueOf(text), `${name} ${text}`).toBe(v);
        if (Number.isInteger(v)) expect(BigInt(text), `${name} ${text}`).toBe(BigInt(v));
      }
    }
  });
});

describe('qacc formats encode keeps the sign of NaN where the format has a signed NaN', () => {
  it.each([
    ['fp8_e4m3', '0x7f', '0xff'], // ml_dtypes float8_e4m3fn
    ['fp8_e5m2', '0x7e', '0xfe'],
    ['fp16', '0x7e00', '0xfe00'],
    ['bf16', '0x7fc0', '0xffc0'],
    ['fp32', '0x7fc00000', '0xffc00000'],
    ['fp8_e4m3fnuz', '0x80', '0x80'], // one NaN, no sign
    ['e8m0', '0xff', '0xff'], // unsigned format
    ['posit8_2', '0x80', '0x80'], // NaR
  ])('%s: nan → %s, -nan → %s', async (format, pos, neg) => {
    const r = await runCli(['formats', 'encode', format], 'nan\n-nan\n+NaN\n-NAN\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pos}\n${neg}\n${pos}\n${neg}\n`);
  });
});

describe('qacc formats encode of exact binary values (hex floats) at the posit regime limit', () => {
  it('2^-27 in posit16_1 and 2^-51 in posit16_2 are bit-string ties, to the even code 0x0002', async () => {
    // Hand-worked (see test/formats/posit.test.ts): 2^-27 lies between 0x0001 = 2^-28 and 0x0002 = 2^-26
    // and its guard bit is the cut-off exponent bit; 2^-51 between 0x0002 = 2^-52 and 0x0003 = 2^-50.
    const p1 = await runCli(
      ['formats', 'encode', 'posit16_1'],
      '0x1p-27\n0x1.0000000000001p-27\n-0x1p-27\n0x.8p-26\n',
    );
    expect(p1.stdout).toBe('0x0002\n0x0002\n0xfffe\n0x0002\n');
    const p2 = await runCli(['formats', 'encode', 'posit16_2'], '0x1p-51\n0x1.8p-51\n0X1P-52\n');
    expect(p2.stdout).toBe('0x0002\n0x0003\n0x0002\n');
    // Decimal text is read as the nearest float64 by default, as SoftPosit and numpy read it: the
    // shortest text of 2^-27 (issue 11's example) is 2^-27, a tie, to 0x0002; likewise 2^-51 in posit16_2.
    const dec = await runCli(['formats', 'encode', 'posit16_1'], '7.450580596923828e-09\n');
    expect(dec.stdout).toBe('0x0002\n');
    const dec2 = await runCli(['formats', 'encode', 'posit16_2'], '4.440892098500626e-16\n');
    expect(dec2.stdout).toBe('0x0002\n');
    // --decimal exact reads the text as written: the same text is a hair below the tie.
    const exactDec = await runCli(
      ['formats', 'encode', 'posit16_1', '--decimal', 'exact'],
      '7.450580596923828e-09\n7.450580596923828125e-09\n',
    );
    expect(exactDec.stdout).toBe('0x0001\n0x0002\n');
  });

  it('hex floats: exact, signed zero kept, malformed or huge exponents refused on one line', async () => {
    const r = await runCli(['formats', 'encode', 'fp16'], '0x1.ffcp15\n-0x0p0\n0x1p-24\n0x1.8p0\n');
    expect(r.stdout).toBe('0x7bff\n0x8000\n0x0001\n0x3e00\n');
    expectOneLineError(
      await runCli(['formats', 'encode', 'fp16'], '1\n0xp3\n'),
      /line 2: '0xp3' is not a number/,
    );
    expectOneLineError(
      await runCli(['formats', 'encode', 'fp16'], '0x1p100001\n'),
      /line 1: .*binary exponent beyond/,
    );
    expectOneLineError(
      await runCli(['formats', 'encode', 'fp16'], '0x10\n'),
      /line 1: '0x10' is not a number/,
    );
  });
});
