/**
 * Renders the Handlebars templates of rtl-templates/ (and sims/verilator/) over plain view models.
 * Templates are read through an injected `TemplateReader` (the CLI and tests pass one backed by the file
 * system; a browser build could pass a bundled map), so src/codegen imports no `node:*` module.
 * Handlebars runs in strict mode (a name missing from the view model is an error, not an empty string)
 * with HTML escaping off; templates only loop (`#each`) and interpolate — every decision is made in
 * TypeScript before rendering. Compiled templates are cached per reader.
 */
import Handlebars from 'handlebars';

/** Returns the text of a template by its file name (e.g. `fp_round.v.hbs`). */
export type TemplateReader = (name: string) => string;

const cache = new WeakMap<TemplateReader, Map<string, Handlebars.TemplateDelegate>>();

/** An error in a template or view model (a bug in qacc, never the user's). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Renders template `name` with `view`. Throws TemplateError when the view lacks a name the template uses. */
export function renderTemplate(reader: TemplateReader, name: string, view: object): string {
  let perReader = cache.get(reader);
  if (!perReader) {
    perReader = new Map();
    cache.set(reader, perReader);
  }
  let t = perReader.get(name);
  if (!t) {
    t = Handlebars.compile(reader(name), { strict: true, noEscape: true });
    perReader.set(name, t);
  }
  try {
    return t(view);
  } catch (err) {
    throw new TemplateError(`template ${name}: ${(err as Error).message}`);
  }
}
