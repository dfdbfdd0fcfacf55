/**
 * The layer-chain workload spec `chain:MxKxN,MxKxN[,…]`: consecutive GEMMs run as one program
 * (compile/chain.ts, docs/scheduler.md "Layer chains"), layer i's Y[m, n] = A[m, k] · W[n, k]ᵀ on its own
 * operands. Commas and `x` need no shell quoting. Two to MAX_CHAIN_LAYERS layers, each dimension in
 * 1..MAX_DIM like gemm:. A bad spec is a one-line CompileError('bad-workload').
 */
import { CompileError } from './errors.js';
import { positiveInt, type GemmShape } from './workload.js';

/** The most layers one chain spec names (a chain is one program: it must fit the instruction memory). */
export const MAX_CHAIN_LAYERS = 8;

/** Whether a workload spec is a chain spec (`chain:` prefix, any case). */
export function isChainSpec(spec: string): boolean {
  return /^\s*chain\s*:/i.test(spec);
}

/** The layers of a `chain:MxKxN,MxKxN[,…]` spec; throws CompileError('bad-workload') on a bad one. */
export function parseChainSpec(spec: string): GemmShape[] {
  if (!isChainSpec(spec))
    throw new CompileError('bad-workload', `workload '${spec}': expected chain:MxKxN,MxKxN[,…]`);
  const body = spec.slice(spec.indexOf(':') + 1);
  const parts = body.split(',').map((s) => s.trim());
  if (parts.length < 2 || parts.length > MAX_CHAIN_LAYERS) {
    throw new CompileError(
      'bad-workload',
      `workload '${spec}': a chain has 2..${MAX_CHAIN_LAYERS} layers MxKxN separated by commas, got ${parts.filter((p) => p !== '').length}`,
    );
  }
  return parts.map((part, i) => {
    const dims = part.split(/x/i);
    if (dims.length !== 3)
      throw new CompileError(
        'bad-workload',
        `workload '${spec}': layer ${i + 1} must be MxKxN (e.g. 4x64x8), got '${part}'`,
      );
    const [m, k, n] = dims.map((d, j) => positiveInt(d, `layer ${i + 1} ${'mkn'[j]}`, spec));
    return { m, k, n };
  });
}
