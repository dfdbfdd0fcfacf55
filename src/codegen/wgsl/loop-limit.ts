/**
 * Mesa's llvmpipe (the software driver under Dawn's GLES backend, our WGSL runner) ends every loop of a
 * shader invocation once the invocation has taken LLVMPIPE_LOOP_LIMIT loop back-edges in all its loops
 * together (gallivm's loop limiter), silently: the output is still written, with a wrong value. Kernels
 * whose loops grow with K split them into passes of at most WGSL_LOOP_BUDGET back-edges per invocation,
 * carrying their exact state in scratch, or refuse the K with a NoKernelError (docs/kernels.md).
 */

/** Back-edges after which llvmpipe stops all loops of an invocation (measured: docs/kernels.md). */
export const LLVMPIPE_LOOP_LIMIT = 65535;
/** Back-edges one pass of a kernel may take per invocation: half the limit, a margin for the estimates. */
export const WGSL_LOOP_BUDGET = 32768;
