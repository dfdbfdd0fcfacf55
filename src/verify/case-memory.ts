/**
 * The memory bound of a verification case: each case holds its operands, its packed memory image and every
 * backend's outputs at once, so a `--workload` (or `--case`) shape of 20000 × 20000 × 20000 grew `qacc verify`
 * past 8 GB before any case ran. The bound is the simulator's for an arithmetic run (src/sim/run.ts
 * ARITHMETIC_MEMORY_LIMIT, which `qacc sim` already applies), checked for every planned case before any runs,
 * and a case above it is refused with one line that names it and the bound. The count is of the arrays qacc
 * holds; the process's peak is larger (measured: a 552 MiB case of mac_int8 at 8000 × 8000 × 8 peaked at 1.0 GB
 * resident, Node's own ~140 MB included).
 */
import { chooseTiling, layoutDram } from '../compile/program.js';
import { arithmeticMemoryBytes, ARITHMETIC_MEMORY_LIMIT } from '../sim/run.js';
import { caseShapes, findTarget, type VerifyCase, type VerifyTarget } from './cases.js';
import { VerifyError } from './errors.js';

/** Bytes a case needs at most: each layer's arithmetic-run memory (the simulator's measure) plus one output word per element and backend. */
export function caseMemoryBytes(t: VerifyTarget, c: VerifyCase, backends: number): number {
  return caseShapes(c).reduce((sum, shape) => {
    const dram = layoutDram(t.target, shape, chooseTiling(t.target, shape)).bytes;
    return sum + arithmeticMemoryBytes(shape, dram) + 4 * shape.m * shape.n * backends;
  }, 0);
}

/** Throws one line when a case needs more than the bound (the largest such case named, the others counted). */
export function checkCaseMemory(targets: readonly VerifyTarget[], cases: readonly VerifyCase[], backends: number): void {
  let worst: { readonly c: VerifyCase; readonly bytes: number } | undefined;
  let over = 0;
  for (const c of cases) {
    const bytes = caseMemoryBytes(findTarget(targets, c), c, backends);
    if (bytes <= ARITHMETIC_MEMORY_LIMIT) continue;
    over++;
    if (!worst || bytes > worst.bytes) worst = { c, bytes };
  }
  if (!worst) return;
  const shapes = caseShapes(worst.c).map((s) => `${s.m}×${s.k}×${s.n}`).join(', then ');
  const others = over > 1 ? ` (and ${over - 1} more case${over > 2 ? 's' : ''} above it)` : '';
  throw new VerifyError(
    'bad-options',
    `case ${worst.c.id}: its ${shapes} GEMM${worst.c.chained ? 's need' : ' needs'} about ${(worst.bytes / 2 ** 30).toFixed(1)} GiB for operands, memory image and ` +
      `${backends} backends' outputs, above the limit of ${ARITHMETIC_MEMORY_LIMIT / 2 ** 30} GiB for an arithmetic run${others}: verify a smaller shape ` +
      `(--workload; qacc sim --timing-only times any size)`,
  );
}
