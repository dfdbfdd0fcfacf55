/**
 * `qacc formats decode` and `list` for formats of 33 to 64 bits: chosen codes as arguments, on stdin and in
 * a --range, printed exactly (integers with every digit, a decimal only where it is the value, else a C99
 * hex float), checked against the platform's binary64 and BigInt; malformed input is one `line N:` error
 * with nothing printed; encode/op stop at 32 bits in one line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './fake-io.js';

function expectOneLineError(r: CliRun, pattern: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^qacc: error: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
}

/** Exact num/den (den a power of ten or two) of printed text: an integer, a decimal, or a C99 hex float. Test-local parser. */
function exactOfText(text: string): { num: bigint; den: bigint } {
  const hex = /^(-?)0x1(?:\.([0-9a-f]+))?p([+-]\d+)$/.exec(text);
  let num: bigint;
  let den: bigint;
  if (hex) {
    const frac = hex[2] ?? '';
    num = BigInt('0x1' + frac) * (hex[1] === '-' ? -1n : 1n);
    const e = Number(hex[3]) - 4 * frac.length;
    den = e >= 0 ? 1n : 1n << BigInt(-e);
    if (e > 0) num <<= BigInt(e);
  } else {
    const dec = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
    if (!dec) throw new Error(`not a number: ${text}`);
    const frac = dec[3] ?? '';
    const e = Number(dec[4] ?? '0') - frac.length;
    num = BigInt(dec[2] + frac) * (dec[1] === '-' ? -1n : 1n);
    den = e >= 0 ? 1n : 10n ** BigInt(-e);
    if (e > 0) num *= 10n ** BigInt(e);
  }
  const g = gcd(num < 0n ? -num : num, den);
  return { num: num / g, den: den / g };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The exact value of a finite float64 from its bits (DataView), independent of src/. */
function exactOfFloat64Bits(code: bigint): { num: bigint; den: bigint } {
  const sign = code >> 63n === 1n ? -1n : 1n;
  const be = Number((code >> 52n) & 0x7ffn);
  const frac = code & ((1n << 52n) - 1n);
  const sig = be === 0 ? frac : frac | (1n << 52n);
  const e = (be === 0 ? 1 : be) - 1075;
  const num = sign * (e >= 0 ? sig << BigInt(e) : sig);
  const den = e >= 0 ? 1n : 1n << BigInt(-e);
  const g = gcd(num < 0n ? -num : num, den) || 1n;
  return { num: num / g, den: den / g };
}

describe('qacc formats decode: chosen codes of 64-bit formats', () => {
  it('posit64_2 0x4000000000000000 is 1 (and the neighbours, NaR, −1, maxpos)', async () => {
    const r = await runCli([
      'formats', 'decode', 'posit64_2', '0x4000000000000000', '4000000000000001', '0x8000000000000000', '0xc000000000000000', '0x7fffffffffffffff',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '0x4000000000000000 1',
        '0x4000000000000001 0x1.000000000000002p+0', // 1 + 2^-57: posit64_2 has 57 fraction bits at scale 0
        '0x8000000000000000 nar',
        '0xc000000000000000 -1',
        `0x7fffffffffffffff ${2n ** 248n}`,
        '',
      ].join('\n'),
    );
  });

  it('fp64: random codes print the platform binary64 value exactly; a decimal only where it is the value', async () => {
    const view = new DataView(new ArrayBuffer(8));
    const codes = fc.sample(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { numRuns: 300, seed: 11 });
    codes.push(0x3ff0000000000000n, 0x3fe0000000000000n, 0x3fb999999999999an, 1n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n);
    const r = await runCli(['formats', 'decode', 'fp64', ...codes.map((c) => '0x' + c.toString(16))]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(codes.length);
    lines.forEach((line, i) => {
      const [codeText, value] = line.split(' ');
      expect(codeText).toBe('0x' + codes[i].toString(16).padStart(16, '0'));
      view.setBigUint64(0, codes[i]);
      const x = view.getFloat64(0);
      if (Number.isNaN(x)) expect(value).toBe('nan');
      else if (x === Infinity) expect(value).toBe('inf');
      else if (x === -Infinity) expect(value).toBe('-inf');
      else if (Object.is(x, -0)) expect(value).toBe('-0');
      else {
        expect(exactOfText(value), line).toEqual(exactOfFloat64Bits(codes[i]));
        // Integers print every digit; another decimal only when it is the value (JavaScript's shortest text).
        if (Number.isInteger(x)) expect(value).toBe(BigInt(x).toString());
        else if (!value.includes('0x')) expect(value).toBe(String(x));
      }
    });
    expect(lines).toContain('0x3fb999999999999a 0x1.999999999999ap-4'); // 0.1 is not exactly a binary64
    expect(lines).toContain('0x3fe0000000000000 0.5');
  });

  it('int64 and uint64 print every digit (BigInt.asIntN/asUintN)', async () => {
    const codes = [0x8000000000000000n, 0xffffffffffffffffn, 0x7fffffffffffffffn, 0x0123456789abcdefn];
    const hex = codes.map((c) => '0x' + c.toString(16).padStart(16, '0'));
    const signed = await runCli(['formats', 'decode', 'int64', ...hex]);
    expect(signed.stdout).toBe(codes.map((c, i) => `${hex[i]} ${BigInt.asIntN(64, c)}\n`).join(''));
    const unsigned = await runCli(['formats', 'decode', 'uint64', ...hex]);
    expect(unsigned.stdout).toBe(codes.map((c, i) => `${hex[i]} ${c}\n`).join(''));
    const int40 = await runCli(['formats', 'decode', 'int40', 'ffffffffff', '7fffffffff']);
    expect(int40.stdout).toBe(`0xffffffffff -1\n0x7fffffffff ${2n ** 39n - 1n}\n`);
  });

  it('codes on stdin (--stdin, or implied with no codes): the same lines', async () => {
    const input = '0x3ff0000000000000\n4000000000000000\r\n  0xbff0000000000000  \n';
    const expected = '0x3ff0000000000000 1\n0x4000000000000000 2\n0xbff0000000000000 -1\n';
    expect((await runCli(['formats', 'decode', 'fp64', '--stdin'], input)).stdout).toBe(expected);
    expect((await runCli(['formats', 'decode', 'fp64'], input)).stdout).toBe(expected);
    expect((await runCli(['formats', 'decode', 'fp(e=11, m=52, bias=1023)', '--stdin'], input)).stdout).toBe(expected);
  });

  it('--range works on 64-bit codes exactly', async () => {
    const r = await runCli(['formats', 'decode', 'posit64_2', '--range', '0x3fffffffffffffff:0x4000000000000001']);
    expect(r.stdout.trim().split('\n').map((l) => l.split(' ')[0])).toEqual([
      '0x3fffffffffffffff',
      '0x4000000000000000',
      '0x4000000000000001',
    ]);
  });

  it('a malformed stdin line is one `line N:` error and nothing is printed', async () => {
    expectOneLineError(await runCli(['formats', 'decode', 'fp64', '--stdin'], '3ff0000000000000\nzz\n'), /^qacc: error: line 2: 'zz' is not a hex code/);
    expectOneLineError(await runCli(['formats', 'decode', 'posit64_2', '--stdin'], '1\n2\n10000000000000000\n'), /line 3: code 10000000000000000 is out of range for posit64_2 \(0x0000000000000000\.\.0xffffffffffffffff\)/);
  });

  it('a code wider than the format is an error naming the argument', async () => {
    expectOneLineError(await runCli(['formats', 'decode', 'int64', '0x1', '0x10000000000000000']), /argument 2: code 0x10000000000000000 is out of range for int64/);
    expectOneLineError(await runCli(['formats', 'decode', 'int40', '0x10000000000']), /argument 1: .* out of range for int40 \(0x0000000000\.\.0xffffffffff\)/);
  });

  it('widths beyond 64 bits are refused', async () => {
    expectOneLineError(await runCli(['formats', 'decode', 'int65', '0']), /2 to 64/);
    expectOneLineError(await runCli(['formats', 'decode', 'fp(11, 53)', '0']), /exceeds 64/);
  });

  it('encode and op stop at 32 bits in one line', async () => {
    expectOneLineError(await runCli(['formats', 'encode', 'fp64'], '1\n'), /fp64 is 64 bits wide; only `qacc formats list` and `qacc formats decode`/);
    expectOneLineError(await runCli(['formats', 'encode', 'posit64_2'], '1\n'), /posit64_2 is 64 bits wide/);
    expectOneLineError(await runCli(['formats', 'op', 'int64', 'add'], '1 2\n'), /int64 is 64 bits wide/);
  });
});

describe('qacc formats list: the 64-bit named formats, exactly', () => {
  it('table rows', async () => {
    const r = await runCli(['formats', 'list']);
    const row = (name: string) => r.stdout.split('\n').find((l) => l.startsWith(`${name} `))?.split(/\s+/);
    const maxDouble = exactOfFloat64Bits(0x7fefffffffffffffn).num;
    expect(row('int64')).toEqual(['int64', '64', 'int', `${-(2n ** 63n)}`, `${2n ** 63n - 1n}`, '1', 'saturate']);
    expect(row('uint64')).toEqual(['uint64', '64', 'int', '0', `${2n ** 64n - 1n}`, '1', 'saturate']);
    expect(row('fp64')).toEqual(['fp64', '64', 'fp', `${-maxDouble}`, `${maxDouble}`, '0x1p-1074', 'inf']);
    expect(row('posit64_2')).toEqual(['posit64_2', '64', 'posit', `${-(2n ** 248n)}`, `${2n ** 248n}`, '0x1p-248', 'saturate']);
  });
  it('--json: integers are JSON numbers with every digit', async () => {
    const r = await runCli(['formats', 'list', '--json']);
    expect(r.stdout).toContain(`"max": ${2n ** 63n - 1n},`);
    expect(r.stdout).toContain(`"max": ${2n ** 64n - 1n},`);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; bits: number; minPositive: number }>;
    expect(rows.find((x) => x.name === 'fp64')).toMatchObject({ bits: 64, minPositive: 5e-324 });
    expect(rows.find((x) => x.name === 'posit64_2')).toMatchObject({ bits: 64, minPositive: 2 ** -248 });
  });
});
