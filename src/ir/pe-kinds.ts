/**
 * Elaboration of a PE declaration: the generic part (an unknown kind is E303, the property reader reports
 * unknown and duplicate properties at the end) around the kind's own schema, reached through the SCHEMAS
 * registry (src/pe/facets/schema.ts). Each kind's schema (src/pe/<folder>/schema.ts) reads its properties
 * through the `PropertyReader` (names, types, defaults), checks the kind's hardware constraints, and builds
 * the complete IR record with every default filled in and the derived widths computed. Checks report
 * diagnostics and return undefined; they never throw.
 */
import type * as A from '../dsl/ast.js';
import { Diag } from '../dsl/diagnostics.js';
import { didYouMean } from '../dsl/suggest.js';
import { isPeKind, PE_KINDS } from '../pe/kinds.js';
import { schemaFacet } from '../pe/facets/schema.js';
import type { Evaluator } from './evaluate.js';
import { PropertyReader } from './props.js';
import type { IrPe } from './types.js';

/** Elaborates one PE declaration; undefined when it has errors (already reported). */
export function elaboratePe(ev: Evaluator, decl: A.PeDecl, file: string): IrPe | undefined {
  const kind = decl.peKind.text;
  if (!isPeKind(kind)) {
    ev.report(Diag.unknownPeKind, decl.peKind.span, [kind], { hint: didYouMean(kind, PE_KINDS) ?? `known kinds: ${PE_KINDS.join(', ')}` });
    return undefined;
  }
  const r = new PropertyReader(ev, file, `pe '${decl.name.text}' (${kind})`, decl.name.span, decl.properties);
  const pe = schemaFacet(kind).elaborate(ev, decl, r);
  r.finish();
  return pe;
}
