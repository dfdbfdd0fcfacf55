/**
 * What the kinds' compile hooks (src/pe/<kind>/compile.ts) share: the rejection of a PE property the
 * compiler cannot map, thrown by a kind's `target` (a CompileError, so `sim`/`build` print it as before) and
 * turned into a located E414 by the kind's `diagnose` (run by `qacc check` through compile/check-design.ts).
 * A leaf: kind files import it, it imports no registry.
 */
import type { Span } from '../dsl/source.js';
import type { ParamSpans } from '../ir/types.js';
import { CompileError } from './errors.js';

/** A CompileError('unsupported') about one PE property (`property` as written in .qacc, e.g. 'modes'). */
export class UnsupportedProperty extends CompileError {
  constructor(
    readonly property: string,
    message: string,
  ) {
    super('unsupported', message);
  }
}

/** Where a kind's hardware rejections go (facets/compile.ts HardwareSink, restated to keep this file a leaf). */
interface Sink {
  report(span: Span, message: string, hint?: string): void;
}

/**
 * Runs a kind's target resolution and reports what it rejects at the property's span (the PE's span when
 * the property took its default). Other errors are bugs and propagate.
 */
export function diagnoseTarget(pe: { readonly span: Span; readonly paramSpans: ParamSpans }, sink: Sink, resolve: () => unknown): void {
  try {
    resolve();
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    sink.report(e instanceof UnsupportedProperty ? (pe.paramSpans[e.property] ?? pe.span) : pe.span, e.message);
  }
}

/** Storage bits of an output format name (fp32 and int32: 32; posit8_0: 8; the 16-bit ones: 16). */
export function outBits(name: string): number {
  return name === 'fp32' || name === 'int32' ? 32 : name === 'posit8_0' ? 8 : 16;
}
