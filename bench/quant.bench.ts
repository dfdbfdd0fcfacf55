/**
 * Block-quantization throughput (elements/s) on a 1M-element [1024, 1024] float32 tensor of
 * pseudo-normal weights with outliers: MX (fp4_e2m1, block 32), NVFP4, BitMoD (4 fp4 candidates,
 * groups of 128), int4 groups of 128 with fp16 scales, QLoRA nf4, and NVFP4 behind a Hadamard rotation.
 * Each run is a full `quantize` call: codes, scales, dequantization and metrics.
 */
import { FP4_E2M1, FP16 } from '../src/formats/float.js';
import { intFormat } from '../src/formats/int.js';
import { seededRandom } from '../src/formats/random.js';
import { bitmodScheme, mxScheme, nvfp4Scheme, qloraScheme, quantize, type QuantScheme, type Tensor } from '../src/quant/index.js';
import type { BenchCase } from './harness.js';

const ROWS = 1024;
const COLS = 1024;

function weights(): Tensor {
  const rng = seededRandom(1);
  const data = new Float32Array(ROWS * COLS);
  for (let i = 0; i < data.length; i++) {
    const g = rng.nextFloat() + rng.nextFloat() + rng.nextFloat() - 1.5;
    data[i] = i % 509 === 0 ? g * 20 : g;
  }
  return { shape: [ROWS, COLS], data };
}

function quantCase(name: string, scheme: QuantScheme): BenchCase {
  return {
    group: 'quant: 1M elements',
    name,
    unit: 'elements',
    minMs: 1000,
    setup() {
      const t = weights();
      return () => {
        quantize(t, scheme);
        return t.data.length;
      };
    },
  };
}

export const cases: BenchCase[] = [
  quantCase('mx fp4_e2m1 (block 32)', mxScheme(FP4_E2M1)),
  quantCase('nvfp4 (block 16)', nvfp4Scheme()),
  quantCase('bitmod fp4 (4 types, group 128)', bitmodScheme(128)),
  quantCase('int4 group 128, fp16 scale', { kind: 'scaled', granularity: { kind: 'group', size: 128 }, element: intFormat(4, true), scaleFormat: FP16, mode: 'symmetric' }),
  quantCase('qlora nf4 double quant', qloraScheme()),
  quantCase('hadamard 64 + nvfp4', { kind: 'hadamard', blockSize: 64, seed: 1, inner: nvfp4Scheme() }),
];
