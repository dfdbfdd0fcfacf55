/**
 * The PE registry (src/pe/registry.ts) against the layer registries (src/pe/facets/*.ts): every kind has a
 * complete definition whose facets are the very objects each layer dispatches through (so the CLI's view of
 * a kind and the pipeline's cannot drift), its folder is where its files and templates are, and the RTL
 * templates its generators name exist in that folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILE } from '../../src/pe/facets/compile.js';
import { COST } from '../../src/pe/facets/cost.js';
import { GOLDEN } from '../../src/pe/facets/golden.js';
import { KERNELS } from '../../src/pe/facets/kernel.js';
import { RTL } from '../../src/pe/facets/rtl.js';
import { SCHEMAS } from '../../src/pe/facets/schema.js';
import { SIM } from '../../src/pe/facets/sim.js';
import { VERIFY } from '../../src/pe/facets/verify.js';
import { PE_KINDS } from '../../src/pe/kinds.js';
import { PE_REGISTRY } from '../../src/pe/registry.js';

const PE_SRC = resolve(__dirname, '../../src/pe');

/** The members each required facet must provide (the interfaces of src/pe/facets/*.ts). */
const REQUIRED = {
  golden: ['checkConfig', 'gemm', 'ideal'],
  schema: ['summary', 'elaborate', 'toJson', 'toLines'],
  compile: ['variants', 'target', 'diagnose', 'randomOperands', 'kAlign', 'slotNeeds', 'stepRowBytes', 'layoutDram', 'packDram', 'preamble', 'stepLoads', 'tileInstructions', 'epilogue'],
  sim: ['opcodes', 'wideAccumulators', 'checkSetmode', 'cycles', 'sramBytes', 'execute', 'writeback'],
  rtl: ['pe', 'engine', 'harnessOptions'],
  kernel: [],
  verify: ['roles', 'extraContents', 'applyContent', 'vectors', 'describeVariant'],
  cost: ['peCost', 'peakModes', 'modeOf', 'computeCycles', 'authorsPe'],
} as const;

const LAYERS = { golden: GOLDEN, schema: SCHEMAS, compile: COMPILE, sim: SIM, rtl: RTL, kernel: KERNELS, verify: VERIFY, cost: COST } as const;

describe('PE registry', () => {
  it('has exactly one entry per kind, naming its own kind and a kebab-case folder of src/pe', () => {
    expect(Object.keys(PE_REGISTRY).sort()).toEqual([...PE_KINDS].sort());
    for (const k of PE_KINDS) {
      const def = PE_REGISTRY[k];
      expect(def.kind).toBe(k);
      expect(def.folder).toBe(k.replace(/_/g, '-'));
      expect(existsSync(join(PE_SRC, def.folder, 'index.ts')), `src/pe/${def.folder}/index.ts`).toBe(true);
    }
  });

  it('gives every kind every required facet, each with every member', () => {
    for (const k of PE_KINDS) {
      for (const [layer, members] of Object.entries(REQUIRED)) {
        const facet = PE_REGISTRY[k][layer as keyof typeof REQUIRED] as unknown as Record<string, unknown> | undefined;
        expect(facet, `${k}.${layer}`).toBeTypeOf('object');
        for (const m of members) expect(facet?.[m], `${k}.${layer}.${m}`).toBeDefined();
      }
    }
  });

  it('holds the same facet objects the layer registries dispatch through', () => {
    for (const k of PE_KINDS) {
      for (const [layer, registry] of Object.entries(LAYERS)) {
        expect(PE_REGISTRY[k][layer as keyof typeof LAYERS], `${k}.${layer}`).toBe((registry as Record<string, unknown>)[k]);
      }
    }
  });

  it("keeps each kind's RTL templates in its folder: every one its generators name exists, none is orphaned", () => {
    for (const k of PE_KINDS) {
      const folder = PE_REGISTRY[k].folder;
      const dir = join(PE_SRC, folder);
      const named = new Set<string>();
      for (const file of readdirSync(dir).filter((f) => /^rtl-.*\.ts$/.test(f))) {
        for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/['"`]([a-z0-9-]+)\/([A-Za-z0-9_.-]+\.hbs)['"`]/g)) {
          expect(m[1], `${folder}/${file} names template ${m[1]}/${m[2]} of another folder`).toBe(folder);
          named.add(m[2]);
        }
      }
      const present = existsSync(join(dir, 'templates')) ? readdirSync(join(dir, 'templates')) : [];
      expect([...named].filter((t) => !present.includes(t)), `${folder}: named but missing`).toEqual([]);
      expect(present.filter((t) => !named.has(t)), `${folder}: in templates/ but never named`).toEqual([]);
    }
  });

  it('computes the simulator through the golden model: no table, decode or rounding in a converted sim.ts', () => {
    // One golden truth (issue 12 §4.1). A kind joins this list when its sim.ts calls its golden step functions.
    const converted = ['mac'];
    for (const folder of converted) {
      const text = readFileSync(join(PE_SRC, folder, 'sim.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(text, `src/pe/${folder}/sim.ts`).not.toMatch(/\.encode\(|\.decode\(|roundTo|addRounded|fround|Int32Array\.from|Math\.round/);
    }
  });
});
