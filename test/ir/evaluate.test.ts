/**
 * Compile-time evaluation: random arithmetic expressions (fast-check) printed with minimal parentheses,
 * compared with an exact BigInt rational oracle written here; units against hand-computed base units;
 * typed properties and defaults against the reference numbers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryHost } from '../../src/dsl/program.js';
import { compileFile } from '../../src/ir/elaborate.js';

type Tree = { kind: 'num'; v: number } | { kind: 'op'; op: '+' | '-' | '*' | '/'; l: Tree; r: Tree } | { kind: 'neg'; e: Tree };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 50 }).map((v) => ({ kind: 'num' as const, v })),
    fc.record({ kind: fc.constant('op' as const), op: fc.constantFrom('+' as const, '-' as const, '*' as const, '/' as const), l: tie('t'), r: tie('t') }),
    fc.record({ kind: fc.constant('neg' as const), e: tie('t') }),
  ),
})).t;

const PREC = { '+': 1, '-': 1, '*': 2, '/': 2 } as const;

/** Prints with the fewest parentheses that keep the tree (left-associative operators). */
function print(t: Tree): string {
  switch (t.kind) {
    case 'num':
      return String(t.v);
    case 'neg':
      return t.e.kind === 'num' || t.e.kind === 'neg' ? `-${print(t.e)}` : `-(${print(t.e)})`;
    case 'op': {
      const l = t.l.kind === 'op' && PREC[t.l.op] < PREC[t.op] ? `(${print(t.l)})` : print(t.l);
      const r = t.r.kind === 'op' && PREC[t.r.op] <= PREC[t.op] ? `(${print(t.r)})` : print(t.r);
      return `${l} ${t.op} ${r}`;
    }
  }
}

type Q = { n: bigint; d: bigint } | 'div0';
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
function q(n: bigint, d: bigint): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
function oracle(t: Tree): Q {
  if (t.kind === 'num') return q(BigInt(t.v), 1n);
  if (t.kind === 'neg') {
    const e = oracle(t.e);
    return e === 'div0' ? e : q(-e.n, e.d);
  }
  const a = oracle(t.l);
  const b = oracle(t.r);
  if (a === 'div0' || b === 'div0') return 'div0';
  switch (t.op) {
    case '+':
      return q(a.n * b.d + b.n * a.d, a.d * b.d);
    case '-':
      return q(a.n * b.d - b.n * a.d, a.d * b.d);
    case '*':
      return q(a.n * b.n, a.d * b.d);
    case '/':
      return b.n === 0n ? 'div0' : q(a.n * b.d, a.d * b.n);
  }
}

function evalParam(text: string, overrides: string[] = []) {
  return compileFile('t.qacc', memoryHost({ 't.qacc': text }), { overrides });
}

describe('expression evaluation', () => {
  it('matches an exact rational oracle, precedence included', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const c = evalParam(`param v = ${print(t)};`);
        const want = oracle(t);
        if (want === 'div0') {
          expect(c.diagnostics.map((d) => d.code)).toContain('E308');
        } else {
          expect(c.diagnostics).toEqual([]);
          expect(c.design?.params[0].value).toBe(want.d === 1n ? `${want.n}` : `${want.n}/${want.d}`);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('computes %, min, max and clog2 on integers', () => {
    const c = evalParam('param a = 17 % 5; param b = min(4, -2, 9); param c = max(1, 3/2); param d = clog2(1000); param e = clog2(1024); param f = clog2(1);');
    expect(c.design?.params.map((p) => p.value)).toEqual(['2', '-2', '3/2', '10', '10', '0']);
  });

  it('converts units to base units exactly (bits, Hz, bits per cycle)', () => {
    const c = evalParam(
      'param a = 512 KiB; param b = 1 MiB - 1 KiB; param c = 1.72 GHz; param d = 2 * 32 B/cycle; param e = 3 kB; param f = (1 GiB) / (1 MiB); param g = 100 MHz / 4;',
    );
    expect(c.diagnostics).toEqual([]);
    expect(c.design?.params.map((p) => p.value)).toEqual([
      `${512 * 1024 * 8} b`,
      `${(1024 * 1024 - 1024) * 8} b`,
      '1720000000 Hz',
      '512 b/cycle',
      '24000 b',
      '1024',
      '25000000 Hz',
    ]);
  });

  it('takes --set values as expressions in the root file scope', () => {
    const c = evalParam('const base = 8;\nparam rows = 32;\nparam cols = rows * 2;', ['rows=base * 3']);
    expect(c.design?.params.map((p) => [p.name, p.value, p.overridden])).toEqual([
      ['rows', '24', true],
      ['cols', '48', false],
    ]);
  });
});

describe('typed properties', () => {
  const pe = (body: string, kind = 'simd_mac') =>
    compileFile('t.qacc', memoryHost({ 't.qacc': `pe p : ${kind} { ${body} }\narray a { pe = p; rows = 1; cols = 1; }\naccelerator x { arrays = a; clock = 1 GHz; dram = 8 b/cycle; }` }));

  it('sizes the quire from the modes: sign + carries + the widest product in units of 2^-2F', () => {
    // int8: F = 0, (−128)² = 2^14 → 15 bits; at most 100 products → ceil(log2 100) = 7 carry bits.
    const a = pe('modes = 2 x int8; max_dot_length = 100;');
    expect(a.design?.accelerators[0].arrays[0].pe).toMatchObject({ quireBits: 1 + 7 + 15 });
    // fp8_e4m3: F = 9 (min subnormal 2^-9), 448 · 2^9 = 229376, squared < 2^36 → 36 bits; 4096 → 12 carry bits.
    const b = pe('modes = 2 x fp8_e4m3;');
    expect(b.design?.accelerators[0].arrays[0].pe).toMatchObject({ quireBits: 1 + 12 + 36 });
    // A bare format fills the word: 16 / 4 = 4 lanes.
    const c = pe('modes = fp4_e2m1;');
    expect(c.design?.accelerators[0].arrays[0].pe).toMatchObject({ maxLanes: 4 });
  });

  it('fills in every default of a mac', () => {
    const c = pe('weights = int8; activations = int8;', 'mac');
    expect(c.diagnostics).toEqual([]);
    expect(c.design?.accelerators[0].arrays[0].pe).toMatchObject({ lanes: 1, pipelineStages: 1, macsPerCycle: 1 });
    expect(c.design?.accelerators[0].arrays[0]).toMatchObject({ dataflow: 'output_stationary', pes: 1 });
  });

  it('resolves parameterized formats through the format registry', () => {
    const c = evalParam('format e3m2 = fp(e = 3, m = 2, bias = 3, variant = finite);\nformat p80 = posit(8, 0);\nformat t = lut[-1, -0.5, 0, 0.5];\nparam a = e3m2;\nparam b = p80;\nparam c = uint(5);');
    expect(c.diagnostics).toEqual([]);
    // fp(3, 2, 3, finite) is the named fp6_e3m2; posit(8, 0) is posit8_0.
    expect(c.design?.params.map((p) => p.value)).toEqual(['fp6_e3m2', 'posit8_0', 'uint5']);
  });
});
