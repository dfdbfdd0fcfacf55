/**
 * Posit throughput: encode (float64 → code, rne and stochastic; Rational → code) and decode (code → float64)
 * for posit8_0, posit16_1 and posit32_2, and quire multiply-accumulate (exact product added to the
 * BigInt accumulator). Inputs are generated outside the timed region from a fixed seed.
 */
import { POSIT16_1, POSIT32_2, POSIT8_0, type PositFormat } from '../src/formats/posit.js';
import { Quire } from '../src/formats/quire.js';
import { seededRandom } from '../src/formats/random.js';
import { fromNumber, type Rational } from '../src/formats/rational.js';
import type { BenchCase } from './harness.js';

const N = 1 << 16;

/** Values spread over the format's dynamic range (log-uniform magnitude, random sign). */
function inputs(f: PositFormat, count: number): Float64Array {
  const rng = seededRandom(1);
  const out = new Float64Array(count);
  const span = Math.log2(f.maxpos) * 1.1;
  for (let i = 0; i < count; i++) {
    const m = 2 ** ((rng.nextFloat() * 2 - 1) * span);
    out[i] = rng.nextFloat() < 0.5 ? -m : m;
  }
  return out;
}

function codes(f: PositFormat, count: number): Uint32Array {
  const rng = seededRandom(2);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.nextUint32() % 2 ** f.n;
  return out;
}

function formatCases(f: PositFormat): BenchCase[] {
  return [
    {
      group: 'posit: encode',
      name: `${f.name} float64 rne`,
      unit: 'values',
      setup: () => {
        const xs = inputs(f, N);
        const out = new Uint32Array(N);
        // Steady state: 16-bit formats build their encode table lazily after size/8 general encodes.
        for (let r = 0; r < 4; r++) for (let i = 0; i < N; i++) out[i] = f.encode(xs[i]);
        return () => {
          for (let i = 0; i < N; i++) out[i] = f.encode(xs[i]);
          return N;
        };
      },
    },
    {
      group: 'posit: encode',
      name: `${f.name} float64 stochastic`,
      unit: 'values',
      setup: () => {
        const xs = inputs(f, N);
        const out = new Uint32Array(N);
        const random = seededRandom(3);
        return () => {
          for (let i = 0; i < N; i++) out[i] = f.encode(xs[i], { rounding: 'stochastic', random });
          return N;
        };
      },
    },
    {
      group: 'posit: encode',
      name: `${f.name} Rational rne`,
      unit: 'values',
      setup: () => {
        const xs: Rational[] = Array.from(inputs(f, 4096), (x) => fromNumber(x));
        const out = new Uint32Array(xs.length);
        return () => {
          for (let i = 0; i < xs.length; i++) out[i] = f.encode(xs[i]);
          return xs.length;
        };
      },
    },
    {
      group: 'posit: decode',
      name: f.name,
      unit: 'values',
      setup: () => {
        const cs = codes(f, N);
        const out = new Float64Array(N);
        return () => {
          for (let i = 0; i < N; i++) out[i] = f.decode(cs[i]);
          return N;
        };
      },
    },
  ];
}

function quireCase(f: PositFormat): BenchCase {
  return {
    group: 'posit: quire',
    name: `${f.name} addProduct`,
    unit: 'MACs',
    setup: () => {
      const a = codes(f, N).map((c) => (c === f.narCode ? 0 : c));
      const b = codes(f, N)
        .reverse()
        .map((c) => (c === f.narCode ? 0 : c));
      const q = new Quire(f);
      return () => {
        q.clear();
        for (let i = 0; i < N; i++) q.addProduct(a[i], b[i]);
        return N;
      };
    },
  };
}

export const cases: BenchCase[] = [
  ...[POSIT8_0, POSIT16_1, POSIT32_2].flatMap(formatCases),
  ...[POSIT8_0, POSIT16_1, POSIT32_2].map(quireCase),
];
