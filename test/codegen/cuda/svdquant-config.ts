/** An accelerator's lowrank_gemm config in examples/svdquant.qacc (svdquant_w4a4, svdquant_nvfp4) as golden sees it, for the CUDA tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import type { LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';

const ROOT = resolve(__dirname, '../../..');

export function svdquantConfig(name: 'svdquant_w4a4' | 'svdquant_nvfp4'): LowRankGemmConfig {
  const c = compileFile(resolve(ROOT, 'examples', 'svdquant.qacc'), { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, {});
  const a = c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`${name} not found in examples/svdquant.qacc`);
  return resolveTarget(a).golden as LowRankGemmConfig;
}

/** The int4 example's config (svdquant_w4a4). */
export function svdquantW4a4Config(): LowRankGemmConfig {
  return svdquantConfig('svdquant_w4a4');
}
