/**
 * What the kinds' compile hooks (src/pe/<kind>/compile.ts) share: the rejection of a PE property the
 * compiler cannot map, thrown by a kind's `target` (a CompileError, so `sim`/`build` print it as before) and
 * turned into a located E414 by the kind's `diagnose` (run by `qacc check` through compile/check-design.ts).
 * A leaf: kind files import it, it imports no registry.
 */
import type { Span } from '../dsl/source.js';
import type { IrAccelerator, IrBuffer, ParamSpans } from '../ir/types.js';
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

/**
 * The declared buffer behind each ISA buffer space's port — the one mapping, used by compile/target.ts
 * `bufferSpaces` (and so `resolveTarget`'s portBytes) and by the kinds' `diagnose`: act → activations, else unified; wgt → weights, else unified; out →
 * outputs, else the act buffer (the wgt buffer for a kind whose KindTarget.outInWeights is set: pass
 * `outInWeights`); meta and lrw → a unified buffer distinct from both, else meta → the wgt buffer and no lrw.
 * The kinds' `diagnose` checks port widths against these, so `qacc check` judges the ports the generated
 * engine gets.
 */
export function portBuffers(accel: IrAccelerator, outInWeights = false): { readonly act?: IrBuffer; readonly wgt?: IrBuffer; readonly out?: IrBuffer; readonly meta?: IrBuffer; readonly lrw?: IrBuffer } {
  const find = (role: IrBuffer['role']): IrBuffer | undefined => accel.buffers.find((b) => b.role === role);
  const unified = find('unified');
  const act = find('activations') ?? unified;
  const wgt = find('weights') ?? unified;
  const separate = unified !== undefined && unified !== act && unified !== wgt ? unified : undefined;
  return { act, wgt, out: find('outputs') ?? (outInWeights ? wgt : act), meta: separate ?? wgt, lrw: separate };
}

/**
 * Reports, at the buffer's `width`, each buffer whose port (width × banks bits per cycle; resolveTarget's
 * portBytes is its whole bytes) is narrower than one step of a kind's tile engine needs (`bits`, a multiple
 * of 8). `what` completes "one <kind> step …", e.g. `reads 4 fp16 activations`.
 */
export function reportNarrowPorts(sink: Sink, kind: string, needs: readonly (readonly [IrBuffer | undefined, number, string])[]): void {
  for (const [b, bits, what] of needs) {
    if (b === undefined || b.banks * b.widthBits >= bits) continue;
    sink.report(b.paramSpans['width'] ?? b.span, `buffer '${b.name}' delivers ${b.banks * b.widthBits} bits per cycle (width × banks); one ${kind} step ${what}, ${bits} bits`);
  }
}
