/**
 * The `rtl` backend at PE level: the generated Verilog of an accelerator's PE (src/codegen/verilog), or the
 * user's RTL from `--rtl-dir`, compiled once per design with Verilator (src/verify/rtl, cached by content
 * hash) and driven by the generated bench with the PE-level vectors of each case — one dot product per
 * output element (m, n), the beats built from the case's operands (src/verify/rtl/pe-vectors.ts).
 *
 * Recovering the RTL's outputs: the bench is self-checking — it receives expected result rows (the
 * golden model's codes) and prints the differing rows (at most 50 per run) with what the RTL produced,
 * plus their total count. The backend adopts the printed values as the new expectation and reruns until
 * the count is fully listed, so it ends with exactly the RTL's output codes, and run.ts compares them like
 * any other backend's. A PE that does not deliver every result fails the case as an error. There is no
 * program-level RTL (controller, array, buffers, DMA) yet, so this backend
 * reports no program cycle count (nothing to compare with the simulator's) and has no per-cycle trace:
 * `--trace` is refused with one line.
 *
 * `--rtl-dir DIR`: the sources are DIR/files.f (paths relative to DIR, as `qacc build` writes) or else
 * every .v/.sv file in DIR and DIR/rtl; each target's PE top module (`<accelerator>_<pe>`, the name
 * `qacc build` gives it) must be defined there with the generated port contract.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { acceleratorPe, peTopName } from '../codegen/verilog/design.js';
import { emitModules, type GeneratedBy, type GeneratedFile } from '../codegen/verilog/emit.js';
import { ModuleSet } from '../codegen/verilog/module-set.js';
import type { TargetOf } from '../pe/facets/compile.js';
import { rtlFacet } from '../pe/facets/rtl.js';
import { verifyFacet } from '../pe/facets/verify.js';
import type { PeKind } from '../pe/kinds.js';
import type { Backend, BackendOptions, BackendResult } from './backends.js';
import type { PreparedCase } from './cases.js';
import { VerifyError } from './errors.js';
import type { PeVectors } from './rtl/pe-vectors.js';
import { checkRtlSize, DEFAULT_RTL_MAX_GATES } from './rtl-size.js';
import { harnessTemplates, rtlTemplates } from './rtl/templates.js';
import { renderTestbench } from './rtl/testbench.js';
import { buildSimulationAsync, findVerilator, runSimulation, type BuiltSimulation } from './rtl/verilator.js';

/** Fixed header text of generated files, so cache keys do not depend on where the .qacc file lies. */
const BY: GeneratedBy = { source: 'qacc verify', version: 'pe-level' };

/** How many differing rows the bench prints per run (sims/verilator/tb.cpp.hbs). */
const BENCH_MISMATCH_LIMIT = 50;

/** Bench runs per case at most (each reveals up to BENCH_MISMATCH_LIMIT more differing rows). */
const MAX_PASSES = 200;

/** Reads user RTL: files.f when present, else the .v/.sv files of DIR and DIR/rtl. Paths are flattened. */
export function readRtlDir(dir: string): GeneratedFile[] {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new VerifyError('bad-options', `--rtl-dir ${dir} is not a directory`);
  let paths: string[];
  const list = join(root, 'files.f');
  if (existsSync(list)) {
    paths = readFileSync(list, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('//') && !l.startsWith('-') && !l.startsWith('+'))
      .map((p) => resolve(root, p));
  } else {
    paths = [root, join(root, 'rtl')].filter((d) => existsSync(d) && statSync(d).isDirectory()).flatMap((d) => readdirSync(d).filter((f) => /\.s?v$/.test(f)).sort().map((f) => join(d, f)));
  }
  if (paths.length === 0) throw new VerifyError('bad-options', `--rtl-dir ${dir} holds no Verilog (.v/.sv files or a files.f list)`);
  const seen = new Set<string>();
  return paths.map((p) => {
    if (!existsSync(p)) throw new VerifyError('bad-options', `--rtl-dir ${dir}: ${p} (listed in files.f) does not exist`);
    const name = basename(p);
    if (seen.has(name)) throw new VerifyError('bad-options', `--rtl-dir ${dir}: two files are named ${name}`);
    seen.add(name);
    return { path: name, text: readFileSync(p, 'utf8') };
  });
}

function definesModule(files: readonly GeneratedFile[], top: string): boolean {
  const re = new RegExp(`\\bmodule\\s+${top.replace(/[^A-Za-z0-9_$]/g, '')}\\b`);
  return files.some((f) => re.test(f.text));
}

/**
 * The PE-level vectors of a prepared case for the PE as the harness builds it (RtlFacet.harnessOptions), and
 * which output element each expected row is (−1: a row that is not a GEMM output, e.g. the low-rank
 * branch's down-projection results L[m, j] that precede each row m's outputs).
 */
export function caseVectors(c: PreparedCase): PeVectors & { readonly rowOutputs: Int32Array } {
  const t = c.target as TargetOf<PeKind>;
  return verifyFacet(t.pe.kind).vectors(t, c.operands, rtlFacet(t.pe.kind).harnessOptions(t.pe));
}

/** Creates the PE-level rtl backend (one Verilator build per target, memoized). */
export function createRtlBackend(): Backend {
  // One build per accelerator: every SIMD mode runs on the same multi-mode PE.
  const sims = new Map<string, { sim: BuiltSimulation; outputPorts: string[] }>();
  let options: BackendOptions = { trace: false };
  return {
    name: 'rtl-pe',
    description: 'PE RTL under Verilator (one dot product per output)',
    level: 'pe',
    async check(targets, opts) {
      options = opts;
      if (opts.trace) throw new VerifyError('backend-unavailable', '--trace: the rtl-pe backend runs one PE per dot product, so there is no per-cycle program trace to compare (use the rtl backend)');
      // every target's size before the tool and any build, so that a refusal comes at once
      checkRtlSize(targets, 'pe', opts.rtlMaxGates ?? DEFAULT_RTL_MAX_GATES, opts.params ?? []);
      findVerilator();
      const userFiles = opts.rtlDir !== undefined ? readRtlDir(opts.rtlDir) : undefined;
      for (const t of targets) {
        const top = peTopName(t.accelerator);
        let design;
        try {
          design = acceleratorPe(t.accelerator, top, rtlFacet(t.target.pe.kind).harnessOptions(t.target.pe));
        } catch (err) {
          throw new VerifyError('backend-unavailable', `rtl backend: no PE RTL for ${t.label}: ${err instanceof Error ? err.message : String(err)}`);
        }
        let files: readonly GeneratedFile[];
        if (userFiles) {
          if (!definesModule(userFiles, top)) {
            const held = [...new Set(targets.filter((x) => definesModule(userFiles, peTopName(x.accelerator))).map((x) => x.accelerator.name))];
            const hint = held.length ? `verify only what it holds with --accelerator ${held.join(' or ')}` : `generate it with qacc build --accelerator ${t.accelerator.name} -o ${opts.rtlDir}`;
            throw new VerifyError('bad-options', `--rtl-dir ${opts.rtlDir} defines no module ${top} (the PE top of accelerator ${t.accelerator.name}): ${hint}`);
          }
          files = userFiles;
        } else {
          const set = new ModuleSet();
          set.add(design.rtl.module);
          files = emitModules(set, rtlTemplates, BY);
        }
        if (sims.has(t.accelerator.name)) continue;
        const sim = await buildSimulationAsync({ top, files, testbench: renderTestbench(design.rtl.harness, harnessTemplates, BY) });
        sims.set(t.accelerator.name, { sim, outputPorts: design.rtl.harness.outputs.map((p) => p.name) });
      }
    },
    run(c): BackendResult {
      const built = sims.get(c.case.accelerator);
      if (!built) throw new Error(`rtl backend: ${c.case.accelerator} was not built (check() was not called for it)`);
      const v = caseVectors(c);
      const where = options.rtlDir !== undefined ? `RTL from ${options.rtlDir}` : 'generated RTL';
      // The bench lists at most 50 differing rows per run: adopt what it listed as the new expectation
      // and run again until every difference is known (each run reveals up to 50 more).
      const expected = v.expected.map((row) => [...row]);
      for (let pass = 0; ; pass++) {
        const r = runSimulation(built.sim, v.stimulus, expected);
        if (r.timedOut || r.results < r.expected) throw new Error(`${where} delivered ${r.results} of ${r.expected} results${r.timedOut ? ' (timed out waiting for out_valid)' : ''}`);
        for (const x of r.mismatches) {
          const col = built.outputPorts.indexOf(x.port);
          if (col < 0 || x.index >= expected.length) throw new Error(`${where}: the bench reported port ${x.port} of row ${x.index}`);
          expected[x.index][col] = x.got;
        }
        if (r.mismatchCount <= r.mismatches.length) break;
        if (pass + 1 >= MAX_PASSES) throw new Error(`${where} differs from the golden results in more than ${MAX_PASSES * BENCH_MISMATCH_LIMIT} rows`);
      }
      const outputs = new Uint32Array(c.compiled.shape.m * c.compiled.shape.n);
      const rows = v.rowOutputs;
      for (let i = 0; i < expected.length; i++) {
        const o = rows[i];
        if (o >= 0) outputs[o] = Number(expected[i][0]);
        else if (expected[i][0] !== v.expected[i][0]) {
          throw new Error(`${where}: the low-rank down projection differs at row ${i}: expected 0x${v.expected[i][0].toString(16)} got 0x${expected[i][0].toString(16)}`);
        }
      }
      return { outputs };
    },
  };
}
