/**
 * Reading `key = value;` properties (and call arguments, which are the same thing written inline) with
 * types, defaults and one diagnostic per problem. A reader is created over the entries, the elaborator
 * asks for each known key once (`get`), and `finish()` reports every entry nobody asked for as an unknown
 * property with suggestions taken from the keys that were asked for, so the schema lives in exactly one
 * place: the code that reads it. Positional arguments map to names by position.
 */
import type * as A from '../dsl/ast.js';
import { Diag } from '../dsl/diagnostics.js';
import type { Span } from '../dsl/source.js';
import { didYouMean } from '../dsl/suggest.js';
import type { Evaluator } from './evaluate.js';
import type { Located } from './values.js';

/** One `name = value` entry; `name` is absent for positional arguments. */
export interface Entry {
  readonly name?: A.Ident;
  readonly value: A.Expr;
  readonly span: Span;
}

export class PropertyReader {
  private readonly byName = new Map<string, Entry>();
  private readonly asked = new Set<string>();
  private readonly cache = new Map<string, Located>();
  /** Spans of the entries that were given, by (resolved) name. */
  readonly spans: Record<string, Span> = {};

  /**
   * @param what names the thing for messages ("pe 'p' (bit_serial_mod)", "posit(…)")
   * @param positional parameter names for positional entries, in order
   */
  constructor(
    private readonly ev: Evaluator,
    private readonly file: string,
    private readonly what: string,
    private readonly ownerSpan: Span,
    entries: readonly Entry[],
    positional: readonly string[] = [],
  ) {
    let pos = 0;
    for (const e of entries) {
      let key: string;
      if (e.name) key = e.name.text;
      else if (pos < positional.length) key = positional[pos++];
      else {
        ev.report(Diag.badArguments, e.span, [`${what} takes at most ${positional.length} positional argument${positional.length === 1 ? '' : 's'}`]);
        continue;
      }
      if (this.byName.has(key)) {
        ev.report(Diag.duplicateProperty, e.name?.span ?? e.span, [key], { related: [{ span: (this.byName.get(key) as Entry).span, message: `'${key}' first given here` }] });
        continue;
      }
      this.byName.set(key, e);
      this.spans[key] = e.span;
    }
  }

  /** True when the entry was written. */
  has(key: string): boolean {
    this.asked.add(key);
    return this.byName.has(key);
  }

  /** The evaluated entry, or undefined when absent. Marks the key as known. */
  get(key: string): Located | undefined {
    this.asked.add(key);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const e = this.byName.get(key);
    if (!e) return undefined;
    const loc = { value: this.ev.eval(e.value, this.file), span: e.value.span };
    this.cache.set(key, loc);
    return loc;
  }

  /** Like `get`, but reports a missing entry. */
  require(key: string): Located | undefined {
    const v = this.get(key);
    if (!v) this.ev.report(Diag.missingProperty, this.ownerSpan, [this.what, key]);
    return v;
  }

  /** The span to blame for a derived-value problem involving `key` (the entry, else the owner). */
  spanOf(key: string): Span {
    return this.byName.get(key)?.value.span ?? this.ownerSpan;
  }

  /** Reports entries that no `get`/`has` asked for. Call once, after reading everything. */
  finish(): void {
    for (const [key, e] of this.byName) {
      if (this.asked.has(key)) continue;
      this.ev.report(Diag.unknownProperty, e.name?.span ?? e.span, [key, this.what], { ...(didYouMean(key, this.asked) ? { hint: didYouMean(key, this.asked) } : { hint: `known: ${[...this.asked].join(', ')}` }) });
    }
  }
}
