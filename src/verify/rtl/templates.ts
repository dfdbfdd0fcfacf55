/**
 * File-system template readers for the Verilog generator (rtl-templates/) and the Verilator harness
 * (sims/verilator/). The package root is three levels above this file both in src/verify/rtl and in
 * dist/verify/rtl, so the same code finds the templates from sources and from the built package.
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

/** Reads rtl-templates/*.v.hbs. */
export const rtlTemplates: TemplateReader = dirReader(join(PACKAGE_ROOT, 'rtl-templates'));

/** Reads sims/verilator/*.hbs. */
export const harnessTemplates: TemplateReader = dirReader(join(PACKAGE_ROOT, 'sims', 'verilator'));
