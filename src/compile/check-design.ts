/**
 * What `qacc check` (and every command, right after elaboration) adds to the language's own checks: every
 * reason the compiler, simulator or generated RTL cannot run an accelerator the language accepts, as a
 * located diagnostic (E414, Diag.unsupportedByHardware) instead of an unlocated CompileError or an internal
 * error later in `sim` or `build` (issue 12: "what check accepts, every backend runs").
 *
 * Generic checks live here; kind-specific ones come from each kind's `CompileFacet.diagnose`
 * (src/pe/facets/compile.ts).
 */
import { capDiagnostics } from '../dsl/caps.js';
import { Diag, diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../dsl/diagnostics.js';
import type { Span } from '../dsl/source.js';
import { MAX_DIAGNOSTICS, type Compilation } from '../ir/elaborate.js';
import type { IrAccelerator } from '../ir/types.js';
import { compileFacet } from '../pe/facets/compile.js';
import { CompileError } from './errors.js';
import { chooseTiling } from './program.js';
import { bufferSpaces, resolveTarget } from './target.js';

/** Reports, at `span`, what the hardware cannot run (rendered as E414). */
type Report = (span: Span, message: string, hint?: string) => void;

/**
 * The generic checks of one accelerator: the buffer spaces the ISA needs (compile/target.ts header), and —
 * once its PE passed its kind's checks — room for one tile.
 */
function checkAccelerator(accel: IrAccelerator, report: Report, peAccepted: boolean): void {
  const at = accel.paramSpans['buffers'] ?? accel.span;
  const has = (role: string) => accel.buffers.some((b) => b.role === role || b.role === 'unified');
  // resolveTarget maps act → activations (else unified) and wgt → weights (else unified): target.ts:245
  if (!has('activations') || !has('weights')) {
    report(at, `accelerator '${accel.name}' needs an activations and a weights buffer (or a unified one)`, "declare buffers with role = activations and role = weights, or one with role = unified");
    return;
  }
  // the out space is the outputs buffer, else the end of the activations buffer (at most a quarter; target.ts bufferSpaces)
  if (bufferSpaces(accel).capacity.out <= 0) {
    report(at, `accelerator '${accel.name}' has no room for outputs: no outputs buffer, and a quarter of its activations buffer is less than a byte`, 'declare a buffer with role = outputs');
    return;
  }
  // The smallest k tile over the whole array must fit double-buffered (compile/program.ts chooseTiling),
  // else every GEMM of at least rows × cols outputs fails in sim and build.
  const array = accel.arrays[0];
  if (!array || !peAccepted) return;
  try {
    chooseTiling(resolveTarget(accel), { m: array.cols, k: 1, n: array.rows });
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    report(at, `accelerator '${accel.name}': ${e.message}`, 'enlarge the buffers, or shrink the array');
  }
}

/**
 * Adds the hardware diagnostics of every accelerator of an error-free compilation; the design becomes
 * undefined when any is an error (as for elaboration errors). Never throws for user input.
 */
export function checkDesign(c: Compilation): Compilation {
  if (!c.design) return c;
  const found: Diagnostic[] = [];
  const report: Report = (span, message, hint) => found.push(diagnostic(Diag.unsupportedByHardware, span, [message], hint === undefined ? {} : { hint }));
  for (const accel of c.design.accelerators) {
    const pe = accel.arrays[0]?.pe;
    const before = found.length;
    if (pe) compileFacet(pe.kind).diagnose(accel, pe, { report });
    checkAccelerator(accel, report, found.length === before);
  }
  if (found.length === 0) return c;
  const diagnostics = capDiagnostics(sortDiagnostics([...c.diagnostics, ...found]), MAX_DIAGNOSTICS);
  return { ...c, design: hasErrors(found) ? undefined : c.design, diagnostics };
}
