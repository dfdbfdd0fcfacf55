/**
 * The format registry: the list of named formats equals the required list, every name resolves
 * to a format of the right width and kind, parameterized specs, suggestions for unknown names, and
 * clear errors for out-of-range parameters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError, type FormatErrorCode } from '../../src/formats/errors.js';
import { FP16, FP8_E4M3, FP8_E4M3FNUZ, FloatFormat } from '../../src/formats/float.js';
import { LutFormat } from '../../src/formats/lut.js';
import { BINARY, NF4 } from '../../src/formats/named-luts.js';
import { POSIT8_2 } from '../../src/formats/posit.js';
import { closeFormatNames, listFormats, lookupFormat } from '../../src/formats/registry.js';
import { editDistance } from '../../src/formats/suggest.js';

const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

/** The required canonical names with their widths and kinds, in its order. */
const REQUIRED: Array<[string, number, string]> = [
  ...range(2, 32).map((n): [string, number, string] => [`int${n}`, n, 'int']),
  ...range(2, 32).map((n): [string, number, string] => [`uint${n}`, n, 'int']),
  ['fp8_e4m3', 8, 'fp'],
  ['fp8_e5m2', 8, 'fp'],
  ['fp8_e4m3fnuz', 8, 'fp'],
  ['fp8_e5m2fnuz', 8, 'fp'],
  ['fp6_e2m3', 6, 'fp'],
  ['fp6_e3m2', 6, 'fp'],
  ['fp4_e2m1', 4, 'fp'],
  ['fp16', 16, 'fp'],
  ['bf16', 16, 'fp'],
  ['fp32', 32, 'fp'],
  ['e8m0', 8, 'fp'],
  ['posit4_1', 4, 'posit'],
  ['posit8_0', 8, 'posit'],
  ['posit16_1', 16, 'posit'],
  ['posit8_2', 8, 'posit'],
  ['posit16_2', 16, 'posit'],
  ['posit32_2', 32, 'posit'],
  ['nf4', 4, 'lut'],
  ['bitmod_fp4_er_pos', 4, 'lut'],
  ['bitmod_fp4_er_neg', 4, 'lut'],
  ['bitmod_fp4_ea_pos', 4, 'lut'],
  ['bitmod_fp4_ea_neg', 4, 'lut'],
  ['bitmod_fp3_er_pos', 3, 'lut'],
  ['bitmod_fp3_er_neg', 3, 'lut'],
  ['bitmod_fp3_ea_pos', 3, 'lut'],
  ['bitmod_fp3_ea_neg', 3, 'lut'],
  ['fp3', 3, 'fp'],
  ['flint4', 4, 'lut'],
  ['ternary', 2, 'lut'],
  ['binary', 1, 'lut'],
  ['complex2', 2, 'lut'],
  ['dynamic8', 8, 'lut'],
];

function formatError(spec: string): FormatError {
  try {
    lookupFormat(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error(`lookupFormat('${spec}') did not throw`);
}

describe('listFormats', () => {
  it("names exactly the issue's required formats, in a stable order", () => {
    expect(listFormats().map((f) => f.name)).toEqual(REQUIRED.map(([name]) => name));
    expect(listFormats().map((f) => f.name)).toEqual(listFormats().map((f) => f.name));
  });

  it('every listed format has a consistent range', () => {
    for (const f of listFormats()) {
      expect(f.min).toBeLessThanOrEqual(f.max);
      expect(f.minPositive).toBeGreaterThan(0);
      expect(f.overflows).toContain(f.defaultOverflow);
    }
  });
});

describe('lookupFormat', () => {
  it('resolves every canonical name to a format of the right width and kind', () => {
    for (const [name, bits, kind] of REQUIRED) {
      const f = lookupFormat(name);
      expect([f.name, f.bits, f.kind]).toEqual([name, bits, kind]);
      expect(lookupFormat(name.toUpperCase())).toBe(f);
      expect(lookupFormat(`  ${name} `)).toBe(f);
    }
  });

  it('resolves posit<n>_<es> and posit(n, es) for every 2 ≤ n ≤ 32, 0 ≤ es ≤ 4', () => {
    for (const n of range(2, 32)) {
      for (const es of range(0, 4)) {
        const f = lookupFormat(`posit${n}_${es}`);
        expect([f.kind, f.bits, f.name]).toEqual(['posit', n, `posit${n}_${es}`]);
        expect(lookupFormat(`posit(${n}, ${es})`)).toBe(f);
        expect(lookupFormat(`posit(es=${es}, n=${n})`)).toBe(f);
      }
    }
    expect(lookupFormat('posit(8,2)')).toBe(POSIT8_2);
  });

  it('resolves fp(...) specs, positional or named, to the named format when the parameters match', () => {
    expect(lookupFormat('fp(4, 3, 7, fn)')).toBe(FP8_E4M3);
    expect(lookupFormat('fp(e=4, m=3, bias=7, variant=fn)')).toBe(FP8_E4M3);
    expect(lookupFormat('fp(4, 3, 8, fnuz)')).toBe(FP8_E4M3FNUZ);
    expect(lookupFormat('fp(5, 10)')).toBe(FP16); // default bias 15, variant ieee
    const f = lookupFormat('fp(3, 4, variant=finite)');
    expect(f).toBeInstanceOf(FloatFormat);
    expect([f.bits, f.kind, f.max]).toEqual([8, 'fp', 31]); // (1 + 15/16)·2^(7−3)
    const g = lookupFormat('fp(e=2, m=1, bias=0, variant=finite)');
    expect([g.bits, g.max]).toEqual([4, 12]);
  });

  it('resolves lut([...]) specs (a table equal to a named one is that format)', () => {
    const f = lookupFormat('lut([0, 0.5, -1, 1e-3])');
    expect(f).toBeInstanceOf(LutFormat);
    expect([f.bits, f.kind]).toEqual([2, 'lut']);
    expect([0, 1, 2, 3].map((c) => f.decode(c))).toEqual([0, 0.5, -1, 0.001]);
    expect(Object.is(lookupFormat('lut([-0, 1])').decode(0), -0)).toBe(true);
    expect(lookupFormat('lut([1, -1])')).toBe(BINARY);
    expect(lookupFormat(`lut([${NF4.entries().join(', ')}])`)).toBe(NF4);
  });

  it('parses back the names it gives generated formats', () => {
    for (const spec of [
      'fp(3, 4)',
      'fp(e=6, m=9, bias=20, variant=fn)',
      'posit(6, 3)',
      'lut([-0, 1e-7, 5e-324, -1.5e300])',
    ]) {
      const f = lookupFormat(spec);
      const g = lookupFormat(f.name);
      expect(g.name).toBe(f.name);
      expect([g.kind, g.bits, g.min, g.max, g.minPositive]).toEqual([
        f.kind,
        f.bits,
        f.min,
        f.max,
        f.minPositive,
      ]);
      if (f.bits <= 16) for (const c of f.codes()) expect(Object.is(g.decode(c), f.decode(c))).toBe(true);
    }
  });

  it('suggests close names for unknown ones', () => {
    const e = formatError('fp8_e4m4');
    expect(e.code).toBe('unknown-format');
    expect(e.message).toContain('did you mean fp8_e4m3, fp8_e5m2?');
    expect(formatError('nf5').message).toContain('nf4');
    expect(formatError('FP8E4M3').message).toContain('fp8_e4m3');
    expect(formatError('bitmod_fp4_er').message).toContain('bitmod_fp4_er_pos');
    const none = formatError('qwertyuiop');
    expect(none.code).toBe('unknown-format');
    expect(none.message).not.toContain('did you mean');
    expect(none.message.split('\n')).toHaveLength(1);
  });

  it('rejects out-of-range and malformed parameters with a clear error', () => {
    const cases: Array<[string, FormatErrorCode, RegExp]> = [
      ['posit(40, 2)', 'bad-parameter', /n .*2\.\.32.*40/],
      ['posit40_2', 'bad-parameter', /40/],
      ['posit(8, 5)', 'bad-parameter', /es .*0\.\.4/],
      ['posit(8)', 'bad-parameter', /missing es/],
      ['posit(8, 2, 1)', 'bad-parameter', /too many/],
      ['fp(0, 3)', 'bad-parameter', /E .*at least 1/],
      ['fp(4)', 'bad-parameter', /missing M/],
      ['fp(4, 3, 7, weird)', 'bad-parameter', /variant/],
      ['fp(4, x)', 'bad-parameter', /integer/],
      ['fp(e=4, q=3)', 'bad-parameter', /unknown parameter/],
      ['fp(20, 20)', 'bad-parameter', /32/],
      ['int1', 'bad-parameter', /2 to 32/],
      ['int33', 'bad-parameter', /2 to 32/],
      ['uint64', 'bad-parameter', /2 to 32/],
      ['lut([1, 2, 3])', 'bad-parameter', /2\^N/],
      ['lut([1, abc])', 'bad-parameter', /not a finite decimal/],
      ['lut(1, 2)', 'bad-parameter', /lut\(\[/],
      ['lut([1e999, 0])', 'bad-parameter', /too large/],
      ['foo(1)', 'unknown-format', /fp\(\.\.\.\)/],
    ];
    for (const [spec, code, message] of cases) {
      const e = formatError(spec);
      expect([spec, e.code]).toEqual([spec, code]);
      expect(e.message).toMatch(message);
    }
  });
});

describe('suggestion ranking', () => {
  it('editDistance agrees with a recursive definition (optimal string alignment)', () => {
    // Insert, delete, substitute, or swap two adjacent characters that are not edited again: cost 1 each.
    const slow = (a: string, b: string): number => {
      if (!a.length) return b.length;
      if (!b.length) return a.length;
      let best = Math.min(
        slow(a.slice(1), b) + 1,
        slow(a, b.slice(1)) + 1,
        slow(a.slice(1), b.slice(1)) + (a[0] === b[0] ? 0 : 1),
      );
      if (a.length > 1 && b.length > 1 && a[0] === b[1] && a[1] === b[0]) best = Math.min(best, slow(a.slice(2), b.slice(2)) + 1);
      return best;
    };
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'b', 'c') }),
        fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'b', 'c') }),
        (a, b) => {
          expect(editDistance(a, b)).toBe(slow(a, b));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ranks nearest first and returns at most five names', () => {
    expect(closeFormatNames('fp8_e4m3')[0]).toBe('fp8_e4m3');
    expect(closeFormatNames('int').length).toBeLessThanOrEqual(5);
    expect(closeFormatNames('int')[0]).toBe('int2');
  });
});
