/**
 * Estimator speed (issue 15: "a whole Llama-2-7B decode step estimates in well under 1 s"): whole decode steps
 * of Llama-2-7B (one token, 225 linear layers) per second on the BitMoD example's decode array (64×16), by
 * qacc's model (compiles and counts each distinct layer shape) and by the BitMoD authors' model (bitmod2025,
 * attention included); plus a Llama-2-7B prefill of 256 tokens by qacc's model.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateDesign, type EstimateOptions } from '../src/estimate/estimate.js';
import { compileFile } from '../src/ir/elaborate.js';
import type { IrAccelerator } from '../src/ir/types.js';
import type { BenchCase } from './harness.js';

function bitmod(sets: readonly string[]): IrAccelerator {
  const c = compileFile(resolve(dirname(fileURLToPath(import.meta.url)), '../examples/bitmod.qacc'), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  const a = c.design?.accelerators.find((x) => x.name === 'bitmod');
  if (!a) throw new Error('bitmod.qacc: no accelerator bitmod');
  return a;
}

function stepCase(name: string, sets: readonly string[], options: EstimateOptions): BenchCase {
  return {
    group: 'estimate: Llama-2-7B',
    name,
    unit: 'estimates',
    setup() {
      const a = bitmod(sets);
      return () => {
        estimateDesign(a, options);
        return 1;
      };
    },
  };
}

const DECODE = ['rows=64', 'cols=16', 'bitmod_weights=bitmod_w3'];

export const cases: BenchCase[] = [
  stepCase('decode step, qacc model (64×16, W3)', DECODE, { workload: 'model:llama-2-7b,stage=decode,tokens=1' }),
  stepCase('decode step, bitmod2025 model (64×16, W3)', DECODE, { workload: 'model:llama-2-7b,stage=decode,tokens=1', costModel: 'bitmod2025' }),
  stepCase('prefill 256, qacc model (32×32, W4)', [], { workload: 'model:llama-2-7b,stage=prefill,tokens=256' }),
];
