/**
 * The `rtl` backend: the generated accelerator top (src/codegen/verilog/top.ts — dispatch, queues,
 * tokens, DMA, buffers and the PE kind's tile engine, docs/array-rtl.md) runs the case's compiled ISA
 * program on its DRAM image under Verilator (src/verify/rtl/program-bench.ts). It reports the outputs
 * read back from DRAM, the cycle count (run.ts requires it to equal the simulator's) and, with
 * `--trace`, the per-cycle trace points run.ts compares with the simulator's.
 *
 * Every PE kind has a tile engine (RtlFacet.engine). `--rtl-dir DIR`: when DIR defines the accelerator
 * top (`<accelerator>_top`, as `qacc build` writes it) the program runs on that RTL; when it defines only
 * the PE top, on the PE-level bench (rtl-backend.ts: one dot product per output, no cycles), said once in
 * the summary; `--trace` on such a target is refused with one line, since there is no program-level trace
 * to compare. A layer-chain case runs its joint program like any other (`chains: true`).
 */
import type { GeneratedFile } from '../codegen/verilog/emit.js';
import { acceleratorTop, acceleratorTopName } from '../codegen/verilog/top.js';
import { Machine } from '../sim/index.js';
import type { Backend, BackendOptions, BackendResult } from './backends.js';
import type { PreparedCase, VerifyTarget } from './cases.js';
import { VerifyError } from './errors.js';
import { readOutputs } from './program-run.js';
import { checkRtlSize, DEFAULT_RTL_MAX_GATES } from './rtl-size.js';
import { createRtlBackend, readRtlDir } from './rtl-backend.js';
import { buildProgramSimulationAsync, renderProgramBench, runRtlProgram, runBuiltProgram } from './rtl/program-bench.js';
import { harnessTemplates } from './rtl/templates.js';
import { buildSimulationAsync, findVerilator, type BuiltSimulation } from './rtl/verilator.js';

const BY = { source: 'qacc verify (user RTL)', version: 'rtl' };

function definesModule(files: readonly GeneratedFile[], top: string): boolean {
  const re = new RegExp(`\\bmodule\\s+${top.replace(/[^A-Za-z0-9_$]/g, '')}\\b`);
  return files.some((f) => re.test(f.text));
}

/** What a trap code means (docs/array-rtl.md "Trap codes"). */
function trapText(code: number): string {
  if (code === 255) return 'the bench saw a DRAM access outside the image';
  if (code & 0x80) return `the tile engine trapped with code ${code & 0x7f}`;
  return `the top trapped with code ${code}`;
}

/** Creates the program-level rtl backend (PE-level fallback for a user RTL directory without the top). */
export function createRtlProgramBackend(): Backend {
  const pe = createRtlBackend();
  let options: BackendOptions = { trace: false };
  /** Targets (by label) that run at PE level, and user-RTL program builds by accelerator. */
  const peLevel = new Set<string>();
  const userBuilds = new Map<string, BuiltSimulation>();
  return {
    name: 'rtl',
    description: 'accelerator RTL under Verilator (the ISA program on the DRAM image)',
    level: 'program',
    chains: true,
    async check(targets: readonly VerifyTarget[], opts: BackendOptions) {
      options = opts;
      const userFiles = opts.rtlDir !== undefined ? readRtlDir(opts.rtlDir) : undefined;
      const fallback: VerifyTarget[] = [];
      // every PE kind has a tile engine (RtlFacet.engine); only a user RTL directory can lack the top
      const atProgramLevel = (t: VerifyTarget): boolean => userFiles === undefined || definesModule(userFiles, acceleratorTopName(t.accelerator.name));
      // every target's size before the tool and any build, so that a refusal comes at once (the PE-level ones: pe.check)
      checkRtlSize(targets.filter(atProgramLevel), 'program', opts.rtlMaxGates ?? DEFAULT_RTL_MAX_GATES, opts.params ?? []);
      findVerilator();
      for (const t of targets) {
        const top = acceleratorTopName(t.accelerator.name);
        const program = atProgramLevel(t);
        if (!program) {
          if (opts.trace) {
            throw new VerifyError('backend-unavailable', `--trace: ${t.label} runs at PE level (--rtl-dir ${opts.rtlDir} defines no accelerator top ${top}), so there is no per-cycle trace to compare`);
          }
          fallback.push(t);
          peLevel.add(t.label);
          continue;
        }
        if (userFiles && !userBuilds.has(t.accelerator.name)) {
          const generated = acceleratorTop(t.target);
          userBuilds.set(t.accelerator.name, await buildSimulationAsync({ top, files: userFiles, testbench: renderProgramBench(generated, harnessTemplates, BY) }));
        } else if (!userFiles) await buildProgramSimulationAsync(t.target);
      }
      if (fallback.length > 0) await pe.check(fallback, { ...opts, trace: false });
    },
    run(c: PreparedCase): BackendResult {
      const label = c.case.mode === undefined ? c.case.accelerator : `${c.case.accelerator}@${c.case.mode}`;
      if (peLevel.has(label)) {
        if (c.run.layers.length > 1) throw new Error(`${label} runs at PE level (no accelerator top in --rtl-dir): a layer chain needs the program-level RTL`);
        return pe.run(c);
      }
      const { dram, program } = c.run;
      const user = userBuilds.get(c.case.accelerator);
      // A bound on the run: the simulator's cycle count (the TypeScript machine is far faster than the
      // Verilator model) with generous slack, so a design that hangs fails in seconds, not after ten million cycles.
      const expected = new Machine(c.target, program, dram.slice()).run().cycles;
      const cycleLimit = 2 * expected + 10_000;
      const run = { target: c.target, program, dram, trace: options.trace, cycleLimit };
      const r = user ? runBuiltProgram(user, run) : runRtlProgram(run);
      const where = options.rtlDir !== undefined ? `the RTL from ${options.rtlDir}` : 'the generated RTL';
      if (r.trapCode !== 0) throw new Error(`${where} trapped at cycle ${r.cycles}: ${trapText(r.trapCode)} (trap code 0x${r.trapCode.toString(16)}, docs/array-rtl.md)`);
      if (r.limitReached) throw new Error(`${where} did not finish within ${r.cycles} cycles (the simulator takes ${expected})`);
      return { outputs: readOutputs(c.run, r.dram, c.target.bits.out), cycles: r.cycles, ...(r.trace ? { trace: r.trace } : {}) };
    },
    notes() {
      return peLevel.size ? [`rtl: ${[...peLevel].join(', ')} ran at PE level (no tile engine for the PE kind, or --rtl-dir holds only the PE): outputs compared, no cycles`] : [];
    },
  };
}
