/**
 * The RTL template reader (src/verify/rtl/templates.ts): plain names come from rtl-templates/, names
 * `<folder>/<file>` from the PE kind's src/pe/<folder>/templates/ (issue 12); anything else is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, rtlTemplates } from '../../src/verify/rtl/templates.js';

describe('rtlTemplates', () => {
  it('reads a shared template from rtl-templates/', () => {
    expect(rtlTemplates('buffer.v.hbs')).toBe(readFileSync(join(PACKAGE_ROOT, 'rtl-templates', 'buffer.v.hbs'), 'utf8'));
  });

  it("reads `<folder>/<file>` from that kind's templates folder", () => {
    expect(rtlTemplates('mac/mac_pe.v.hbs')).toBe(readFileSync(join(PACKAGE_ROOT, 'src', 'pe', 'mac', 'templates', 'mac_pe.v.hbs'), 'utf8'));
    // a missing one: the error names the path it read
    expect(() => rtlTemplates('mac/no_such.v.hbs')).toThrow(join('src', 'pe', 'mac', 'templates', 'no_such.v.hbs'));
  });

  it('refuses names that could leave the template folders', () => {
    for (const name of ['../package.json', 'mac/../x.v.hbs', '/etc/passwd', 'Mac/x.v.hbs', 'a/b/c.v.hbs', 'mac/', '']) {
      expect(() => rtlTemplates(name), name).toThrow(/bad template name/);
    }
  });
});
