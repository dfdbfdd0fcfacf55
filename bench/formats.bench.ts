/**
 * Encode and decode throughput of the int and binary-float formats (values/s, one core): float64 input,
 * rne and the default overflow, 1M inputs per run. Inputs are seeded pseudo-random: roughly normal values
 * scaled so that about a tenth of them fall in the subnormal range or beyond max, the rest spread over
 * the normal range (ints: uniform over a range a little wider than the format's). Decode reads random
 * valid codes.
 */
import { BF16, FP16, FP32, FP4_E2M1, FP8_E4M3, type FloatFormat } from '../src/formats/float.js';
import { intFormat, type IntFormat } from '../src/formats/int.js';
import { seededRandom } from '../src/formats/random.js';
import type { BenchCase } from './harness.js';

const N = 1 << 20;

/** Seeded values: a normal deviate times `scale`, every tenth one tiny or huge. */
function floatInputs(fmt: FloatFormat): Float64Array {
  const r = seededRandom(2024);
  const xs = new Float64Array(N);
  const scale = Math.sqrt(fmt.max) * Math.sqrt(fmt.minNormal) * 4; // the geometric middle of the normal range
  for (let i = 0; i < N; i++) {
    const u = (r.nextFloat() + 1e-12) * 0.999999;
    const v = r.nextFloat();
    const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const spread = 2 ** ((r.nextFloat() - 0.5) * Math.log2(fmt.max / fmt.minNormal)); // log-uniform over the binades
    xs[i] = i % 10 === 0 ? g * (i % 20 === 0 ? fmt.minPositive : fmt.max * 2) : g * Math.min(scale, spread);
  }
  return xs;
}

function intInputs(fmt: IntFormat): Float64Array {
  const r = seededRandom(7);
  const xs = new Float64Array(N);
  const span = fmt.max - fmt.min + 4;
  for (let i = 0; i < N; i++) xs[i] = fmt.min - 2 + r.nextFloat() * span;
  return xs;
}

function codes(bits: number): Uint32Array {
  const r = seededRandom(11);
  const cs = new Uint32Array(N);
  for (let i = 0; i < N; i++) cs[i] = bits === 32 ? r.nextUint32() : r.nextUint32() >>> (32 - bits);
  return cs;
}

type Fmt = FloatFormat | IntFormat;

function encodeCase(group: string, fmt: Fmt, inputs: () => Float64Array): BenchCase {
  return {
    group: 'formats: encode (rne, float64 in)',
    name: `${group} ${fmt.name}`,
    unit: 'values',
    setup() {
      const xs = inputs();
      const out = new Uint32Array(N);
      return () => {
        for (let i = 0; i < N; i++) out[i] = fmt.encode(xs[i]);
        return N;
      };
    },
  };
}

function decodeCase(group: string, fmt: Fmt): BenchCase {
  return {
    group: 'formats: decode',
    name: `${group} ${fmt.name}`,
    unit: 'values',
    setup() {
      const cs = codes(fmt.bits);
      const out = new Float64Array(N);
      return () => {
        for (let i = 0; i < N; i++) out[i] = fmt.decode(cs[i]);
        return N;
      };
    },
  };
}

const INT8 = intFormat(8, true);
const INT32 = intFormat(32, true);
const FLOATS: Array<[string, FloatFormat]> = [
  ['fp8', FP8_E4M3],
  ['fp4', FP4_E2M1],
  ['fp16', FP16],
  ['bf16', BF16],
  ['fp32', FP32],
];

export const cases: BenchCase[] = [
  ...FLOATS.map(([g, f]) => encodeCase(g, f, () => floatInputs(f))),
  encodeCase('int', INT8, () => intInputs(INT8)),
  encodeCase('int', INT32, () => intInputs(INT32)),
  ...FLOATS.map(([g, f]) => decodeCase(g, f)),
  decodeCase('int', INT8),
  decodeCase('int', INT32),
];
