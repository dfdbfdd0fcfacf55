/**
 * File-system template readers for the Verilog generator (rtl-templates/, and each PE kind's
 * src/pe/<folder>/templates/ for names written `<folder>/<file>`) and the Verilator harness
 * (sims/verilator/). The package root is three levels above this file both in src/verify/rtl and in
 * dist/verify/rtl, so the same code finds the templates from sources and from the built package (which
 * ships every src/pe/<folder>/templates: package.json `files`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateReader } from '../../codegen/verilog/render.js';

/** The package root (the directory holding package.json, rtl-templates/ and sims/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function dirReader(dir: string): TemplateReader {
  return (name) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`bad template name ${name}`);
    return readFileSync(join(dir, name), 'utf8');
  };
}

/** A kind's template name: `<folder>/<file>`, read from src/pe/<folder>/templates/<file> (src/pe/README.md). */
const KIND_TEMPLATE = /^([a-z0-9-]+)\/([A-Za-z0-9_.-]+)$/;

/** Reads rtl-templates/*.v.hbs, and `<folder>/<file>` from src/pe/<folder>/templates/. */
export const rtlTemplates: TemplateReader = (() => {
  const shared = dirReader(join(PACKAGE_ROOT, 'rtl-templates'));
  return (name: string): string => {
    const kind = KIND_TEMPLATE.exec(name);
    return kind ? dirReader(join(PACKAGE_ROOT, 'src', 'pe', kind[1], 'templates'))(kind[2]) : shared(name);
  };
})();

/** Reads sims/verilator/*.hbs. */
export const harnessTemplates: TemplateReader = dirReader(join(PACKAGE_ROOT, 'sims', 'verilator'));
