/**
 * `npm run gen:isa`: regenerates src/isa/definition.ts, src/isa/generated-types.ts and isa/REFERENCE.md
 * from isa/qacc-isa.json after validating it. Run it after every edit of the JSON; a test checks the
 * three files are in sync. `--check` only compares and exits 1 when a file would change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDefinitionModule, renderReferenceMarkdown, renderTypesModule } from '../src/isa/generate.js';
import { validateIsaDefinition } from '../src/isa/validate.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const def = validateIsaDefinition(JSON.parse(readFileSync(resolve(root, 'isa/qacc-isa.json'), 'utf8')));
const outputs: [string, string][] = [
  ['src/isa/definition.ts', renderDefinitionModule(def)],
  ['src/isa/generated-types.ts', renderTypesModule(def)],
  ['isa/REFERENCE.md', renderReferenceMarkdown(def)],
];
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, text] of outputs) {
  const file = resolve(root, path);
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // A missing file is simply stale.
  }
  if (old === text) continue;
  stale++;
  if (check) console.error(`${path} is out of date; run npm run gen:isa`);
  else {
    writeFileSync(file, text);
    console.log(`wrote ${path}`);
  }
}
if (check && stale > 0) process.exit(1);
